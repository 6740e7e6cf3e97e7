/**
 * A job's log: monospace, one row per line, virtualized (a restic run can
 * log thousands of lines). Follows the tail while scrolled to the bottom.
 */
import { useEffect, useRef } from 'react';
import { Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import { displaySafe, type JobLogLine } from '../../../../shared';

const LINE_HEIGHT = 18;

export function JobLog({ lines, dropped }: { lines: readonly JobLogLine[]; dropped: number }) {
  const { t } = useTranslation();
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => LINE_HEIGHT,
    overscan: 30,
  });

  useEffect(() => {
    if (atBottom.current && lines.length > 0) virtualizer.scrollToIndex(lines.length - 1, { align: 'end' });
  }, [lines.length, virtualizer]);

  const items = virtualizer.getVirtualItems();
  return (
    <div style={{ display: 'flex', flexDirection: 'column', minHeight: 0, flex: 1 }}>
      {dropped > 0 && (
        <Text size="xs" c="dimmed" mb={2} data-testid="job-log-dropped">
          {t('jobs.log.dropped', { count: dropped })}
        </Text>
      )}
      <div
        ref={scrollRef}
        className="rfc-scroller rfc-log"
        style={{ minHeight: 120 }}
        tabIndex={0}
        role="log"
        aria-label={t('jobs.log.label')}
        data-testid="job-log"
        data-lines={lines.length}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < LINE_HEIGHT * 2;
        }}
      >
        {lines.length === 0 ? (
          <Text size="xs" c="dimmed" p="xs">
            {t('jobs.log.empty')}
          </Text>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth: 'max-content' }}>
            {items.map((v) => {
              const line = lines[v.index];
              if (!line) return null;
              return (
                <div
                  key={line.n}
                  className="rfc-log-line"
                  data-stream={line.stream}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    right: 0,
                    height: LINE_HEIGHT,
                    transform: `translateY(${v.start}px)`,
                  }}
                  title={line.at}
                >
                  <span>{line.n + 1}</span>
                  <span>{displaySafe(line.line)}</span>
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
