// electron-builder resources: the icon is the one scripts/make-icon.mjs draws
// (512x512 PNG), the desktop entry agrees with package.json, and the
// package's entry points are the files scripts/build-electron.mjs writes.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');

interface PackageJson {
  main: string;
  build: {
    directories: { buildResources: string };
    files: string[];
    linux: { icon: string; desktop: { entry: Record<string, string> } };
  };
}
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as PackageJson;

function pngSize(file: string): { width: number; height: number; colorType: number } {
  const buf = readFileSync(file);
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(buf.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), colorType: buf[25]! };
}

function desktopEntry(file: string): Record<string, string> {
  const lines = readFileSync(file, 'utf8').split('\n');
  expect(lines[0]).toBe('[Desktop Entry]');
  return Object.fromEntries(
    lines
      .slice(1)
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('build/ resources', () => {
  it('has a 512x512 RGBA icon where package.json points', () => {
    expect(pkg.build.directories.buildResources).toBe('build');
    expect(pngSize(path.join(root, pkg.build.linux.icon))).toEqual({ width: 512, height: 512, colorType: 6 });
  });

  it('commits exactly the icon scripts/make-icon.mjs draws', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rfc-icon-'));
    try {
      const out = path.join(dir, 'icon.png');
      execFileSync(process.execPath, [path.join(root, 'scripts', 'make-icon.mjs'), out], { stdio: 'ignore' });
      expect(readFileSync(out).equals(readFileSync(path.join(root, 'build', 'icon.png')))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has a desktop entry that agrees with package.json', () => {
    const entry = desktopEntry(path.join(root, 'build', 'linux', 'restic-fleet-console.desktop'));
    expect(entry).toMatchObject({ Type: 'Application', Icon: 'restic-fleet-console', Terminal: 'false' });
    expect(entry.Exec).toMatch(/^restic-fleet-console( %U)?$/);
    for (const [key, value] of Object.entries(pkg.build.linux.desktop.entry))
      expect(entry[key], key).toBe(value);
  });

  it('packages the bundles scripts/build-electron.mjs writes', () => {
    expect(pkg.main).toBe('dist-electron/main.cjs');
    expect(pkg.build.files).toEqual(expect.arrayContaining(['dist/**', 'dist-electron/**']));
    const script = readFileSync(path.join(root, 'scripts', 'build-electron.mjs'), 'utf8');
    for (const out of ['main.cjs', 'preload.cjs', 'serve.cjs']) expect(script).toContain(`'${out}'`);
  });
});
