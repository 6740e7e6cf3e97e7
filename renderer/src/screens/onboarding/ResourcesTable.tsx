/** Everything this onboarding made, with the step that made it, and whether a rollback removed it (or why not). */
import { Badge, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { stepNumber, type OnboardingDetail } from '../../../../shared';
import { LocalTime } from '../../components/LocalTime';

export function ResourcesTable({ detail }: { detail: OnboardingDetail }) {
  const { t } = useTranslation();
  return (
    <Stack gap={4} data-testid="onboarding-resources">
      <Text size="sm" fw={600}>
        {t('onboarding.resources.title')}
      </Text>
      <Text size="xs" c="dimmed">
        {t('onboarding.resources.hint')}
      </Text>
      {detail.resources.length === 0 ? (
        <Text size="xs" c="dimmed">
          {t('onboarding.resources.none')}
        </Text>
      ) : (
        <Table fz="xs" verticalSpacing={2}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('onboarding.resources.step')}</Table.Th>
              <Table.Th>{t('onboarding.resources.what')}</Table.Th>
              <Table.Th>{t('onboarding.resources.made')}</Table.Th>
              <Table.Th w={160}>{t('onboarding.resources.state')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {detail.resources.map((r) => (
              <Table.Tr
                key={r.id}
                data-testid="onboarding-resource"
                data-kind={r.kind}
                data-removed={r.removedAt !== null}
              >
                <Table.Td>
                  {stepNumber(r.step)}. {t(`onboarding.steps.${r.step}.label`)}
                </Table.Td>
                <Table.Td>{r.label}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <LocalTime iso={r.createdAt} size="xs" />
                </Table.Td>
                <Table.Td>
                  {r.removedAt ? (
                    <Badge size="xs" color="gray" variant="light">
                      {t('onboarding.resources.removed')}
                    </Badge>
                  ) : r.removeError ? (
                    <Text size="xs" c="red">
                      {t('onboarding.resources.stays', { reason: r.removeError.message })}
                    </Text>
                  ) : (
                    <Badge size="xs" color="teal" variant="light">
                      {t('onboarding.resources.exists')}
                    </Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
