import { describe, expect, it } from 'vitest';
import { commandParts } from './commandParts';

describe('commandParts', () => {
  it('cuts a command line into environment, program and arguments that join back exactly', () => {
    const line =
      "RESTIC_REPOSITORY='/srv/my repo' RESTIC_PASSWORD=*** RESTIC_CACHE_DIR=/c /opt/restic/bin/restic check --json '--read-data-subset=5%'";
    const p = commandParts(line);
    expect(p.env).toBe("RESTIC_REPOSITORY='/srv/my repo' RESTIC_PASSWORD=*** RESTIC_CACHE_DIR=/c ");
    expect(p.program).toBe('/opt/restic/bin/restic ');
    expect(p.args).toBe("check --json '--read-data-subset=5%'");
    expect(p.env + p.program + p.args).toBe(line);
  });

  it('keeps a line without environment or arguments whole', () => {
    expect(commandParts('restic')).toEqual({ env: '', program: 'restic', args: '' });
    expect(commandParts('mc admin info')).toEqual({ env: '', program: 'mc ', args: 'admin info' });
    expect(commandParts('A=1')).toEqual({ env: '', program: '', args: 'A=1' });
  });
});
