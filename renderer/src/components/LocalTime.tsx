import { Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatLocalTime, formatUtcOffset } from '../../../shared';

/** A timestamp in the viewer's local zone; the offset and the exact ISO string on hover. */
export function LocalTime({ iso, size = 'sm' }: { iso: string; size?: 'xs' | 'sm' }) {
  const { t } = useTranslation();
  const d = new Date(iso);
  const exact = Number.isNaN(d.getTime()) ? iso : d.toISOString();
  return (
    <Tooltip
      label={t('time.tooltip', { offset: formatUtcOffset(iso), utc: exact, recorded: iso })}
      openDelay={300}
      withinPortal
      multiline
      maw={360}
    >
      <Text
        component="time"
        dateTime={iso}
        size={size}
        style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}
      >
        {formatLocalTime(iso)}
      </Text>
    </Tooltip>
  );
}
