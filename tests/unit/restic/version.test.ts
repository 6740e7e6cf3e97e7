import { describe, expect, it } from 'vitest';
import { FEATURES, parseVersionOutput, ResticVersion } from '../../../electron/core/restic/version';
import { fixtureVersions, recorded } from './support';

describe('parseVersionOutput', () => {
  it.each(fixtureVersions())('reads both recorded forms of restic %s', (version) => {
    for (const name of ['version', 'version-json']) {
      const v = parseVersionOutput(recorded(version, name).stdout.toString());
      expect(v?.version).toBe(version);
      expect(v?.os).toBe('linux');
      expect(v?.goVersion).toMatch(/^go1\.\d+/);
    }
    // 0.14 ignores --json for `version` and prints the text line.
    const json = recorded(version, 'version-json').stdout.toString();
    expect(json.trim().startsWith('{')).toBe(parseVersionOutput(json)!.supports('versionJson'));
  });

  it('reads development builds and odd spacing', () => {
    const v = parseVersionOutput(
      'restic 0.19.1-dev (compiled manually) compiled with go1.24.2 on linux/arm64\n',
    );
    expect(v).toMatchObject({
      major: 0,
      minor: 19,
      patch: 1,
      suffix: '-dev',
      goVersion: 'go1.24.2',
      arch: 'arm64',
    });
    expect(v?.version).toBe('0.19.1-dev');
    expect(
      parseVersionOutput('{"message_type":"version","version":"0.18.0","go_version":"go1.23"}')?.version,
    ).toBe('0.18.0');
  });

  it('returns undefined for anything else', () => {
    expect(parseVersionOutput('')).toBeUndefined();
    expect(parseVersionOutput('bash: restic: command not found')).toBeUndefined();
    expect(parseVersionOutput('{"message_type":"version"}')).toBeUndefined();
  });
});

describe('ResticVersion', () => {
  const at = (s: string) => parseVersionOutput(`restic ${s} compiled with go1.22 on linux/amd64`)!;

  it('gates features on the release that added them', () => {
    expect(at('0.14.0').supports('initJson')).toBe(false);
    expect(at('0.15.0').supports('initJson')).toBe(true);
    expect(at('0.17.0').supports('exitCodesRepoAndLock')).toBe(true);
    expect(at('0.17.0').supports('exitCodeWrongPassword')).toBe(false);
    expect(at('0.17.1').supports('exitCodeWrongPassword')).toBe(true);
    expect(at('0.18.0').supports('exitErrorJson')).toBe(true);
    expect(at('1.0.0').supports('exitErrorJson')).toBe(true);
    for (const f of Object.keys(FEATURES) as Array<keyof typeof FEATURES>) {
      expect(at('0.14.0').supports(f)).toBe(false);
      expect(at('0.19.1').supports(f)).toBe(true);
    }
  });

  it('serialises to plain data', () => {
    const v = new ResticVersion({ major: 0, minor: 14, patch: 0, raw: 'restic 0.14.0' });
    expect(JSON.parse(JSON.stringify(v))).toEqual({ major: 0, minor: 14, patch: 0, raw: 'restic 0.14.0' });
    expect(String(v)).toBe('0.14.0');
  });
});
