/** Steps with nothing to fill in (keys, install, first backup): what they do, and what they proved. */
import { Anchor, List, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { OnboardingDetail, OnboardingStep } from '../../../../shared';
import { LocalTime } from '../../components/LocalTime';
import { useHosts } from '../../queries/hooks';
import { useUiStore } from '../../state/uiStore';

export function InfoStep({ detail, step }: { detail: OnboardingDetail; step: OnboardingStep }) {
  const { t } = useTranslation();
  const setScreen = useUiStore((s) => s.setScreen);
  const hosts = useHosts();
  return (
    <Stack gap="xs" data-testid={`onboarding-info-${step}`}>
      <Text size="sm" c="dimmed">
        {t(`onboarding.steps.${step}.explain`)}
      </Text>
      {step === 'keys' && (
        <List size="sm" spacing={2}>
          <List.Item>{t('onboarding.keys.host')}</List.Item>
          <List.Item>{t('onboarding.keys.maintenance')}</List.Item>
          <List.Item>{t('onboarding.keys.stored')}</List.Item>
        </List>
      )}
      {step === 'install' && <Text size="sm">{t('onboarding.install.hostKey')}</Text>}
      {step === 'firstBackup' && detail.proof.length > 0 && (
        <>
          <Table fz="xs" verticalSpacing={2} data-testid="onboarding-proof">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('onboarding.proof.host')}</Table.Th>
                <Table.Th>{t('onboarding.proof.snapshot')}</Table.Th>
                <Table.Th>{t('onboarding.proof.time')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {detail.proof.map((p) => (
                <Table.Tr key={p.planId}>
                  <Table.Td>{hosts.data?.find((h) => h.id === p.hostId)?.name ?? p.hostId}</Table.Td>
                  <Table.Td className="rfc-mono">{p.snapshotId.slice(0, 8)}</Table.Td>
                  <Table.Td>
                    <LocalTime iso={p.time} size="xs" />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Anchor size="sm" onClick={() => setScreen('dailyCheck')} data-testid="onboarding-to-board">
            {t('onboarding.proof.board')}
          </Anchor>
        </>
      )}
    </Stack>
  );
}
