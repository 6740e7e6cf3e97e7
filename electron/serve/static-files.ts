/**
 * Mapping a request path to a file of the built renderer, without ever
 * leaving its directory, plus content types. Pure except for the file
 * system lookups in `findStaticFile`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  /** A path inside the root (the file may or may not exist). */
  | { kind: 'path'; relative: string }
  /** Traversal, NUL bytes, bad escapes, backslashes: refuse. */
  | { kind: 'forbidden' };

/**
 * Resolves the path part of a request URL (as received, before any
 * normalisation) to a path relative to the static root. Every `..` — raw,
 * percent-encoded or behind a backslash — is refused rather than resolved.
 */
export function resolveStaticPath(rawPathname: string): StaticLookup {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPathname);
  } catch {
    return { kind: 'forbidden' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'forbidden' };
  const segments = decoded.split('/');
  if (segments.some((segment) => segment === '..' || segment === '.')) return { kind: 'forbidden' };
  const relative = segments.filter((segment) => segment.length > 0).join('/');
  // Belt and braces: what path.posix makes of it must still be inside.
  const normalized = path.posix.normalize(`/${relative}`);
  if (!normalized.startsWith('/') || normalized.split('/').includes('..')) return { kind: 'forbidden' };
  return { kind: 'path', relative: normalized.slice(1) };
}

/** True when `candidate` is `root` itself or inside it. */
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export interface StaticFile {
  absolutePath: string;
  size: number;
  mtimeMs: number;
}

/**
 * The regular file for a relative path under root, following symlinks only
 * when their target stays inside root; null when there is none.
 */
export async function findStaticFile(root: string, relative: string): Promise<StaticFile | null> {
  let realRoot: string;
  try {
    realRoot = await fs.realpath(root);
  } catch {
    return null;
  }
  const candidate = path.join(realRoot, relative);
  if (!isInside(realRoot, candidate)) return null;
  try {
    const real = await fs.realpath(candidate);
    if (!isInside(realRoot, real)) return null;
    const stat = await fs.stat(real);
    if (!stat.isFile()) return null;
    return { absolutePath: real, size: stat.size, mtimeMs: stat.mtimeMs };
  } catch {
    return null;
  }
}

/**
 * Whether a missing path should get the single-page app's index.html
 * (client-side routes like /hosts/3) rather than a 404 (a missing asset).
 */
export function wantsSpaFallback(relative: string, accept: string | undefined): boolean {
  const last = relative.split('/').pop() ?? '';
  if (!last.includes('.')) return true;
  return typeof accept === 'string' && accept.includes('text/html');
}
