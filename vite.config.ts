import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * The dev server (not the build) injects React Refresh's inline preamble,
 * which `script-src 'self'` forbids. Relax the CSP for `vite` dev only;
 * the built dist/index.html keeps the strict policy.
 */
function devCspRelax(): Plugin {
  return {
    name: 'rfc-dev-csp-relax',
    apply: 'serve',
    transformIndexHtml(html) {
      return html
        .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        .replace("connect-src 'self'", "connect-src 'self' ws: http:");
    },
  };
}

// The renderer is built once and loaded two ways: from file:// by Electron
// and from the serve mode's HTTP server. A relative base works for both.
export default defineConfig({
  root: here('./renderer'),
  base: './',
  plugins: [react(), devCspRelax()],
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      onwarn(warning, warn) {
        // zod 4 ships /* @__PURE__ */ comments in positions Rollup cannot use; harmless noise.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules/zod/')) return;
        warn(warning);
      },
    },
  },
  server: {
    host: '127.0.0.1',
  },
});
