import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { z } from 'zod';
import { isConsoleError, type ErrorCode } from '../../shared';
import { createClient } from './client';
import { ClientProvider } from './client/ClientContext';
import { initI18n } from './i18n';
import { useUiStore } from './state/uiStore';
import { Root } from './Root';

// Our CSP has no 'unsafe-eval': tell zod not to probe `new Function` (the probe is
// caught, but Chromium still reports a CSP violation for it).
z.config({ jitless: true });

/** Errors worth one more try; the rest are answers (wrong password, not found) that a retry won't change. */
const TRANSIENT: readonly ErrorCode[] = ['TIMEOUT', 'HOST_UNREACHABLE', 'REPO_LOCKED'];

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      retry: (failures, error) => failures < 1 && (!isConsoleError(error) || TRANSIENT.includes(error.code)),
    },
  },
});

initI18n(useUiStore.getState().language);
const client = createClient();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
createRoot(container).render(
  <StrictMode>
    <ClientProvider client={client}>
      <QueryClientProvider client={queryClient}>
        <Root />
      </QueryClientProvider>
    </ClientProvider>
  </StrictMode>,
);
