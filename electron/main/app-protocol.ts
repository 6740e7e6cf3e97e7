/**
 * The `app://console/…` protocol: the built renderer served from its
 * directory (never file://, so the page has a real origin and `script-src
 * 'self'` means just the app). Uses the web Request/Response types only, so
 * it is tested without Electron; main.ts registers it with protocol.handle.
 */
import { readFile } from 'node:fs/promises';
import { contentTypeFor, findStaticFile, resolveStaticPath, wantsSpaFallback } from '../serve/static-files';
import { APP_HOST, APP_SCHEME, contentSecurityPolicy } from './window-policy';

function plain(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
  });
}

export function createAppProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return plain(400, 'Bad Request');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.hostname !== APP_HOST) return plain(404, 'Not Found');
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method Not Allowed');
    const lookup = resolveStaticPath(url.pathname);
    if (lookup.kind === 'forbidden') return plain(404, 'Not Found');
    let file = await findStaticFile(rendererDir, lookup.relative);
    if (!file && wantsSpaFallback(lookup.relative, request.headers.get('accept') ?? undefined)) {
      file = await findStaticFile(rendererDir, 'index.html');
      if (!file) return plain(503, 'The console UI is not built: run `npm run build`.');
    }
    if (!file) return plain(404, 'Not Found');
    const body = request.method === 'HEAD' ? null : await readFile(file.absolutePath);
    return new Response(body, {
      status: 200,
      headers: {
        'Content-Type': contentTypeFor(file.absolutePath),
        'Content-Security-Policy': contentSecurityPolicy(),
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-cache',
      },
    });
  };
}
