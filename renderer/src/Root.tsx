import { useEffect } from 'react';
import { MantineProvider } from '@mantine/core';
import { useColorScheme } from '@mantine/hooks';
import { Notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { App } from './App';
import { ErrorBoundary } from './components/ErrorBoundary';
import { useUiStore } from './state/uiStore';
import { theme } from './theme';

/** Providers that depend on UI preferences: colour scheme and language. */
export function Root() {
  const choice = useUiStore((s) => s.theme);
  const language = useUiStore((s) => s.language);
  const system = useColorScheme('light');
  const { i18n } = useTranslation();

  useEffect(() => {
    if (i18n.language !== language) void i18n.changeLanguage(language);
    document.documentElement.lang = language;
  }, [i18n, language]);

  return (
    <MantineProvider theme={theme} forceColorScheme={choice === 'auto' ? system : choice}>
      <Notifications position="bottom-right" limit={3} />
      <ErrorBoundary>
        <App />
      </ErrorBoundary>
    </MantineProvider>
  );
}
