// Vitest globalSetup for the integration and e2e projects: refuse to start
// when the peers have not been provisioned, with the command that fixes it,
// instead of letting every test fail on its own with a less clear error.

import { loadManifest, manifestPath } from './peers';

export default function setup(): void {
  const m = loadManifest(); // throws "peers not provisioned: run `npm test` …"
  const versions = [
    ...m.restic.map((r) => `restic ${r.version}`),
    `minio ${m.minio.version}`,
    `mc ${m.mc.version}`,
    `sshd ${m.sshd.version}`,
    `chromium ${m.chromium.version}`,
  ];
  console.log(`peers (${manifestPath()}): ${versions.join(', ')}`);
}
