import { ActionIcon, Group, Menu, SegmentedControl, Select, Text, Tooltip } from '@mantine/core';
import { IconLanguage, IconMoon, IconSettings, IconSun } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES } from '../i18n';
import { useUiStore, type Language, type ThemeChoice } from '../state/uiStore';

/** Language and theme: the header's right side. */
export function SettingsMenu() {
  const { t } = useTranslation();
  const theme = useUiStore((s) => s.theme);
  const setTheme = useUiStore((s) => s.setTheme);
  const language = useUiStore((s) => s.language);
  const setLanguage = useUiStore((s) => s.setLanguage);

  return (
    <Group gap={6} wrap="nowrap">
      <Select
        aria-label={t('settings.language')}
        data={LANGUAGES.map((l) => ({ value: l.value, label: l.label }))}
        value={language}
        onChange={(v) => v && setLanguage(v as Language)}
        leftSection={<IconLanguage size={14} />}
        w={124}
        comboboxProps={{ withinPortal: true }}
        data-testid="language-select"
      />
      <Menu position="bottom-end" width={240} withinPortal>
        <Menu.Target>
          <Tooltip label={t('settings.title')}>
            <ActionIcon
              variant="default"
              size="md"
              aria-label={t('settings.title')}
              data-testid="settings-button"
            >
              {theme === 'dark' ? (
                <IconMoon size={16} />
              ) : theme === 'light' ? (
                <IconSun size={16} />
              ) : (
                <IconSettings size={16} />
              )}
            </ActionIcon>
          </Tooltip>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{t('settings.theme')}</Menu.Label>
          <div style={{ padding: '0 8px 8px' }}>
            <SegmentedControl
              fullWidth
              value={theme}
              onChange={(v) => setTheme(v as ThemeChoice)}
              data={[
                { value: 'light', label: t('settings.themeLight') },
                { value: 'dark', label: t('settings.themeDark') },
                { value: 'auto', label: t('settings.themeAuto') },
              ]}
              aria-label={t('settings.theme')}
              data-testid="theme-control"
            />
          </div>
          <Menu.Divider />
          <Menu.Label>{t('settings.language')}</Menu.Label>
          {LANGUAGES.map((l) => (
            <Menu.Item
              key={l.value}
              onClick={() => setLanguage(l.value)}
              rightSection={language === l.value ? <Text size="xs">✓</Text> : null}
            >
              {l.label}
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}
