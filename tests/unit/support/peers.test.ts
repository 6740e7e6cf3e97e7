// The manifest reader must fail with the one actionable message, and must
// not accept a manifest that lost a peer or points at deleted binaries.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { compareVersions, loadManifest, manifestPath, resticBinaries } from '../../support/peers';

const dir = mkdtempSync(join(tmpdir(), 'rfc-peers-unit-'));
const saved = process.env.RFC_PEERS_MANIFEST;
// process.execPath is a file that surely exists: stands in for every binary.
const bin = process.execPath;
const good = {
  restic: [
    { version: '0.19.1', path: bin, source: 'go' },
    { version: '0.14.0', path: bin, source: 'debian' },
  ],
  minio: { version: 'v0.0.0-1', path: bin },
  mc: { version: 'v0.0.0-2', path: bin },
  sshd: { version: '9.2', path: bin },
  chromium: { version: '156.0', path: bin },
  sshKeygen: { path: bin },
};

let n = 0;
function useManifest(content: unknown): void {
  const path = join(dir, `m${n++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  process.env.RFC_PEERS_MANIFEST = path;
}

afterEach(() => {
  if (saved === undefined) delete process.env.RFC_PEERS_MANIFEST;
  else process.env.RFC_PEERS_MANIFEST = saved;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('peers manifest', () => {
  it('honours RFC_PEERS_MANIFEST', () => {
    process.env.RFC_PEERS_MANIFEST = '/somewhere/manifest.json';
    expect(manifestPath()).toBe('/somewhere/manifest.json');
  });

  it('says how to provision when the manifest is missing', () => {
    process.env.RFC_PEERS_MANIFEST = join(dir, 'absent.json');
    expect(() => loadManifest()).toThrow(
      /^peers not provisioned: run `npm test` or `node scripts\/provision\.mjs`/,
    );
  });

  it('rejects unreadable JSON and a manifest missing a peer', () => {
    useManifest('{not json');
    expect(() => loadManifest()).toThrow(/peers not provisioned.*unreadable/);
    useManifest({ ...good, minio: undefined });
    expect(() => loadManifest()).toThrow(/lacks: minio/);
    useManifest({ ...good, restic: [good.restic[0]] });
    expect(() => loadManifest()).toThrow(/lacks: restic/);
  });

  it('rejects a manifest whose binaries are gone', () => {
    useManifest({ ...good, mc: { version: 'x', path: join(dir, 'deleted-mc') } });
    expect(() => loadManifest()).toThrow(/binaries listed in .* are gone: .*deleted-mc/);
  });

  it('lists restic binaries oldest first', () => {
    useManifest(good);
    expect(resticBinaries().map((r) => r.version)).toEqual(['0.14.0', '0.19.1']);
  });

  it('compares dotted versions numerically', () => {
    expect(compareVersions('0.9.0', '0.14.0')).toBeLessThan(0);
    expect(compareVersions('0.19.1', '0.19.1')).toBe(0);
    expect(compareVersions('1.0', '0.99.9')).toBeGreaterThan(0);
  });
});
