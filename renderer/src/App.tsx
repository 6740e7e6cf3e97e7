import { useState } from 'react';
import { Alert, AppShell, Badge, Group, NavLink, Skeleton, Stack, Text, Title, Tooltip } from '@mantine/core';
import {
  IconBell,
  IconBuildingStore,
  IconBucket,
  IconRestore,
  IconRocket,
  IconCalendarTime,
  IconCamera,
  IconDatabase,
  IconHistory,
  IconListCheck,
  IconServer,
  IconShieldCheck,
  IconStethoscope,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { describeError } from './components/describeError';
import { ErrorBoundary } from './components/ErrorBoundary';
import { ConsoleError, isConsoleError } from '../../shared';
import { SettingsMenu } from './components/SettingsMenu';
import { useAppInfo } from './queries/hooks';
import { useInvalidateEvents } from './queries/useInvalidateEvents';
import { useJobEvents } from './queries/useJobEvents';
import { AlertsScreen } from './screens/alerts/AlertsScreen';
import { AuditScreen } from './screens/audit/AuditScreen';
import { MinioScreen } from './screens/minio/MinioScreen';
import { OnboardingScreen } from './screens/onboarding/OnboardingScreen';
import { RestoreScreen } from './screens/restore/RestoreScreen';
import { BusinessesScreen } from './screens/businesses/BusinessesScreen';
import { DailyCheckScreen } from './screens/fleet/DailyCheckScreen';
import { HostsScreen } from './screens/hosts/HostsScreen';
import { JobsScreen } from './screens/jobs/JobsScreen';
import { PlansScreen } from './screens/plans/PlansScreen';
import { RepositoriesScreen } from './screens/repos/RepositoriesScreen';
import { RepositoryScreen } from './screens/repository/RepositoryScreen';
import { SnapshotsScreen } from './screens/snapshots/SnapshotsScreen';
import { useUiStore, type Screen } from './state/uiStore';

type NavEntry = { screen: Screen; icon: typeof IconDatabase };

/** Daily check first: it is what the morning starts with. Then inventory, data, operations. */
const NAV: Array<{ section: 'check' | 'inventory' | 'data' | 'operations'; entries: NavEntry[] }> = [
  { section: 'check', entries: [{ screen: 'dailyCheck', icon: IconStethoscope }] },
  {
    section: 'inventory',
    entries: [
      { screen: 'businesses', icon: IconBuildingStore },
      { screen: 'hosts', icon: IconServer },
      { screen: 'repositories', icon: IconDatabase },
      { screen: 'plans', icon: IconCalendarTime },
      { screen: 'minio', icon: IconBucket },
      { screen: 'onboarding', icon: IconRocket },
    ],
  },
  {
    section: 'data',
    entries: [
      { screen: 'snapshots', icon: IconCamera },
      { screen: 'restore', icon: IconRestore },
    ],
  },
  {
    section: 'operations',
    entries: [
      { screen: 'jobs', icon: IconListCheck },
      { screen: 'alerts', icon: IconBell },
      { screen: 'audit', icon: IconHistory },
    ],
  },
];

function CurrentScreen({ screen }: { screen: Screen }) {
  switch (screen) {
    case 'dailyCheck':
      return <DailyCheckScreen />;
    case 'businesses':
      return <BusinessesScreen />;
    case 'hosts':
      return <HostsScreen />;
    case 'plans':
      return <PlansScreen />;
    case 'jobs':
      return <JobsScreen />;
    case 'audit':
      return <AuditScreen />;
    case 'snapshots':
      return <SnapshotsScreen />;
    case 'repository':
      return <RepositoryScreen />;
    case 'restore':
      return <RestoreScreen />;
    case 'minio':
      return <MinioScreen />;
    case 'onboarding':
      return <OnboardingScreen />;
    case 'alerts':
      return <AlertsScreen />;
    case 'repositories':
    default:
      return <RepositoriesScreen />;
  }
}

function HeaderStatus() {
  const { t } = useTranslation();
  const info = useAppInfo();
  if (info.isPending) return <Skeleton height={18} width={160} aria-label={t('app.loadingInfo')} />;
  if (info.isError) {
    const code = isConsoleError(info.error) ? info.error.code : null;
    return (
      <Tooltip label={describeError(info.error, t).line} multiline maw={360}>
        <Badge color="red" data-testid="app-info-error">
          {code === 'UNAUTHORIZED' ? t('errors.codes.UNAUTHORIZED') : t('app.offline')}
        </Badge>
      </Tooltip>
    );
  }
  const { demo, mode, version } = info.data;
  return (
    <Group gap={6} wrap="nowrap">
      {demo && (
        <Tooltip label={t('app.demoTooltip')} multiline maw={300}>
          <Badge color="yellow" variant="light" data-testid="demo-badge">
            {t('app.demo')}
          </Badge>
        </Tooltip>
      )}
      <Tooltip label={t(`app.modeTooltip.${mode}`)} multiline maw={300}>
        <Badge color="gray" variant="outline" data-testid="mode-badge">
          {t(`app.mode.${mode}`)}
        </Badge>
      </Tooltip>
      <Text size="xs" c="dimmed" data-testid="app-version">
        v{version}
      </Text>
    </Group>
  );
}

/** Problems the core met while starting (e.g. no restic, so no demo fleet): shown once, dismissible. */
function StartupIssues() {
  const { t } = useTranslation();
  const info = useAppInfo();
  const [dismissed, setDismissed] = useState(false);
  const issues = info.data?.startupIssues ?? [];
  if (dismissed || issues.length === 0) return null;
  return (
    <Alert
      color="yellow"
      variant="light"
      title={t('app.startupIssues', { count: issues.length })}
      withCloseButton
      closeButtonLabel={t('actions.dismiss')}
      onClose={() => setDismissed(true)}
      m="sm"
      mb={0}
      py={6}
      data-testid="startup-issues"
    >
      <Stack gap={2}>
        {issues.map((issue, i) => {
          const d = describeError(ConsoleError.fromBody(issue), t);
          return (
            <Text key={i} size="xs">
              {d.line}
              {d.hint ? ` — ${d.hint}` : ''}
            </Text>
          );
        })}
      </Stack>
    </Alert>
  );
}

export function App() {
  const { t } = useTranslation();
  const screen = useUiStore((s) => s.screen);
  const setScreen = useUiStore((s) => s.setScreen);
  useInvalidateEvents();
  useJobEvents();

  return (
    <AppShell header={{ height: 44 }} navbar={{ width: 184, breakpoint: 0 }} padding={0}>
      <AppShell.Header px="sm">
        <Group h="100%" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <IconShieldCheck size={20} color="var(--mantine-color-indigo-6)" aria-hidden />
            <Title order={1} size="h5" fw={600} style={{ whiteSpace: 'nowrap' }} data-testid="app-title">
              {t('app.name')}
            </Title>
            <HeaderStatus />
          </Group>
          <SettingsMenu />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p={6} aria-label={t('nav.label')}>
        {NAV.map(({ section, entries }) => (
          <div key={section} role="group" aria-label={t(`nav.sections.${section}`)}>
            {section !== 'check' && (
              <Text size="10px" c="dimmed" tt="uppercase" fw={600} lts={0.4} px={8} pt={10} pb={2}>
                {t(`nav.sections.${section}`)}
              </Text>
            )}
            {entries.map(({ screen: s, icon: Icon }) => {
              // A repository's page belongs under Repositories in the navigation.
              const current = screen === s || (s === 'repositories' && screen === 'repository');
              return (
                <NavLink
                  key={s}
                  label={t(`nav.${s}`)}
                  leftSection={<Icon size={16} stroke={1.6} />}
                  active={current}
                  onClick={() => setScreen(s)}
                  data-testid={`nav-${s}`}
                  aria-current={current ? 'page' : undefined}
                  style={{ borderRadius: 'var(--mantine-radius-sm)' }}
                />
              );
            })}
          </div>
        ))}
      </AppShell.Navbar>
      <AppShell.Main style={{ height: '100dvh', display: 'flex', flexDirection: 'column' }}>
        <StartupIssues />
        <ErrorBoundary resetKey={screen}>
          <CurrentScreen screen={screen} />
        </ErrorBoundary>
      </AppShell.Main>
    </AppShell>
  );
}
