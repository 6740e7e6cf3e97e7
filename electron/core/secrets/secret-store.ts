/**
 * Secrets (repository passwords, S3 keys, SSH private keys) live only
 * behind this interface: never in inventory rows, logs or job records.
 * The UI may set a secret and learn whether one is set, never read it.
 */
export interface SecretStore {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  has(name: string): Promise<boolean>;
  delete(name: string): Promise<void>;
}

/** Secret names by what they protect, so every module spells them the same way. */
export const secretNames = {
  repoPassword: (repoId: string) => `repo:${repoId}:password`,
  /** Secret environment restic needs for a repository (JSON object, e.g. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of an S3 repository). */
  repoSecretEnv: (repoId: string) => `repo:${repoId}:secret-env`,
  /** The SSH private key (OpenSSH or PEM text) the console logs in to a host with. */
  hostPrivateKey: (hostId: string) => `host:${hostId}:ssh-key`,
  /** The passphrase of that key, when it has one. */
  hostKeyPassphrase: (hostId: string) => `host:${hostId}:ssh-key-passphrase`,
} as const;
