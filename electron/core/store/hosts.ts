/**
 * Managed hosts: where to reach them over SSH, how to log in (a private key
 * in the secret store, or ssh-agent) and the pinned host key. "this
 * machine" (id `local`) is a row too, so repositories reached by local
 * exec have a host to point at; it cannot be edited or removed.
 */
import { z } from 'zod';
import { ConsoleError, type Host } from '../../../shared';
import { secretNames, type SecretStore } from '../secrets/secret-store';
import { iso, newId, notFound, type Clock } from './common';
import { withConstraints, type Db } from './db';
import { FINGERPRINT_RE, parsePublicKey } from './host-keys';
import { hostAddress, hostName, IdSchema, parseInput, programPath, userName } from './validation';

export const LOCAL_HOST_ID = 'local';

export const AuthKindSchema = z.enum(['key', 'agent']);
export type AuthKind = z.infer<typeof AuthKindSchema>;

export const HostInputSchema = z
  .object({
    id: IdSchema.optional(),
    name: hostName,
    address: hostAddress,
    port: z.number().int().min(1).max(65535).default(22),
    user: userName,
    authKind: AuthKindSchema.default('agent'),
    resticPath: programPath.optional(),
  })
  .strict();
export type HostInput = z.input<typeof HostInputSchema>;

export const HostPatchSchema = z
  .object({
    name: hostName,
    address: hostAddress,
    port: z.number().int().min(1).max(65535),
    user: userName,
    authKind: AuthKindSchema,
    resticPath: programPath.nullable(),
  })
  .partial()
  .strict();
export type HostPatch = z.input<typeof HostPatchSchema>;

export interface PinnedHostKey {
  fingerprint: string;
  /** "<type> <base64>" */
  publicKey: string | undefined;
  pinnedAt: string;
}

export interface HostRecord {
  id: string;
  name: string;
  kind: 'local' | 'ssh';
  address?: string;
  port?: number;
  user?: string;
  authKind?: AuthKind;
  hostKey?: PinnedHostKey;
  /** Where restic is on the host; unset means "restic" from its PATH. */
  resticPath?: string;
  /** A private key is in the secret store (never the key itself). */
  privateKeySet: boolean;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  name: string;
  kind: 'local' | 'ssh';
  address: string | null;
  port: number | null;
  user: string | null;
  auth_kind: AuthKind | null;
  host_key_fingerprint: string | null;
  host_key_public: string | null;
  host_key_pinned_at: number | null;
  restic_path: string | null;
  created_at: number;
  updated_at: number;
}

const MAX_PRIVATE_KEY = 16_384;

export class Hosts {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretStore,
    private readonly now: Clock = Date.now,
  ) {}

  private row(id: string): Row {
    const row = this.db.prepare('SELECT * FROM hosts WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw notFound('host', id);
    return row;
  }

  private async toRecord(row: Row): Promise<HostRecord> {
    const record: HostRecord = {
      id: row.id,
      name: row.name,
      kind: row.kind,
      privateKeySet: row.kind === 'ssh' ? await this.secrets.has(secretNames.hostPrivateKey(row.id)) : false,
      createdAt: iso(row.created_at)!,
      updatedAt: iso(row.updated_at)!,
    };
    if (row.address !== null) record.address = row.address;
    if (row.port !== null) record.port = row.port;
    if (row.user !== null) record.user = row.user;
    if (row.auth_kind !== null) record.authKind = row.auth_kind;
    if (row.restic_path !== null) record.resticPath = row.restic_path;
    if (row.host_key_fingerprint !== null && row.host_key_pinned_at !== null) {
      record.hostKey = {
        fingerprint: row.host_key_fingerprint,
        publicKey: row.host_key_public ?? undefined,
        pinnedAt: iso(row.host_key_pinned_at)!,
      };
    }
    return record;
  }

  /** "this machine" first, then by name. */
  async list(): Promise<HostRecord[]> {
    const rows = this.db
      .prepare(`SELECT * FROM hosts ORDER BY kind = 'ssh', name COLLATE NOCASE, id`)
      .all() as Row[];
    return Promise.all(rows.map((row) => this.toRecord(row)));
  }

  async get(id: string): Promise<HostRecord> {
    return this.toRecord(this.row(id));
  }

  exists(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM hosts WHERE id = ?').get(id) !== undefined;
  }

  /** The contract's plain `Host` shape. */
  static toDomain(record: HostRecord): Host {
    const host: Host = { id: record.id, name: record.name, kind: record.kind };
    if (record.address !== undefined) host.address = record.address;
    if (record.port !== undefined) host.port = record.port;
    if (record.user !== undefined) host.user = record.user;
    return host;
  }

  async create(input: HostInput): Promise<HostRecord> {
    return this.get(this.insert(input));
  }

  /** The synchronous half of `create` (usable inside a transaction); returns the new id. */
  insert(input: HostInput): string {
    const data = parseInput(HostInputSchema, input, 'Invalid host');
    const id = data.id ?? newId('host');
    if (id === LOCAL_HOST_ID) throw new ConsoleError('CONFLICT', '"local" is reserved for this machine.');
    const now = this.now();
    withConstraints(
      () =>
        this.db
          .prepare(
            `INSERT INTO hosts (id, name, kind, address, port, user, auth_kind, restic_path, created_at, updated_at)
             VALUES (?, ?, 'ssh', ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(id, data.name, data.address, data.port, data.user, data.authKind, data.resticPath ?? null, now, now),
      { duplicate: 'A host with this name (or id) already exists.' },
    );
    return id;
  }

  async update(id: string, patch: HostPatch): Promise<HostRecord> {
    const data = parseInput(HostPatchSchema, patch, 'Invalid host change');
    const row = this.row(id);
    if (row.kind === 'local') throw new ConsoleError('CONFLICT', 'This machine cannot be edited.');
    withConstraints(
      () =>
        this.db
          .prepare(
            'UPDATE hosts SET name = ?, address = ?, port = ?, user = ?, auth_kind = ?, restic_path = ?, updated_at = ? WHERE id = ?',
          )
          .run(
            data.name ?? row.name,
            data.address ?? row.address,
            data.port ?? row.port,
            data.user ?? row.user,
            data.authKind ?? row.auth_kind,
            data.resticPath === undefined ? row.restic_path : data.resticPath,
            this.now(),
            id,
          ),
      { duplicate: 'A host with this name already exists.' },
    );
    return this.get(id);
  }

  /** Refused while repositories or plans use the host; its key secrets are deleted with it. */
  async remove(id: string): Promise<void> {
    const row = this.row(id);
    if (row.kind === 'local') throw new ConsoleError('CONFLICT', 'This machine cannot be removed.');
    const used = this.db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM repositories WHERE host_id = ?) AS repos,
                (SELECT COUNT(*) FROM plans WHERE host_id = ?) AS plans`,
      )
      .get(id, id) as { repos: number; plans: number };
    if (used.repos > 0 || used.plans > 0) {
      throw new ConsoleError(
        'CONFLICT',
        `Host "${row.name}" is still used by ${used.repos} repositories and ${used.plans} plans; remove or move them first.`,
        used,
      );
    }
    this.db.prepare('DELETE FROM hosts WHERE id = ?').run(id);
    await this.secrets.delete(secretNames.hostPrivateKey(id));
    await this.secrets.delete(secretNames.hostKeyPassphrase(id));
  }

  /**
   * Pins the host key the user accepted. `expectedFingerprint` is the one
   * the user was shown: it must match the key. A different key already
   * pinned is HOST_KEY_CHANGED unless `replace` says this is the explicit
   * (audited) re-pin.
   */
  async pinHostKey(
    id: string,
    publicKey: string,
    options: { expectedFingerprint?: string; replace?: boolean } = {},
  ): Promise<HostRecord> {
    const row = this.row(id);
    if (row.kind === 'local') throw new ConsoleError('CONFLICT', 'This machine has no SSH host key to pin.');
    const key = parsePublicKey(publicKey);
    if (options.expectedFingerprint !== undefined && options.expectedFingerprint !== key.fingerprint) {
      throw new ConsoleError(
        'CONFLICT',
        'The fingerprint shown to the user does not belong to this key; nothing was pinned.',
        {
          expected: options.expectedFingerprint.slice(0, 100),
          actual: key.fingerprint,
        },
      );
    }
    if (
      row.host_key_fingerprint !== null &&
      row.host_key_fingerprint !== key.fingerprint &&
      !options.replace
    ) {
      throw new ConsoleError('HOST_KEY_CHANGED', `Host "${row.name}" already has a different pinned key.`, {
        pinned: row.host_key_fingerprint,
        offered: key.fingerprint,
      });
    }
    this.db
      .prepare(
        'UPDATE hosts SET host_key_fingerprint = ?, host_key_public = ?, host_key_pinned_at = ?, updated_at = ? WHERE id = ?',
      )
      .run(key.fingerprint, key.canonical, this.now(), this.now(), id);
    return this.get(id);
  }

  async unpinHostKey(id: string): Promise<HostRecord> {
    this.row(id);
    this.db
      .prepare(
        'UPDATE hosts SET host_key_fingerprint = NULL, host_key_public = NULL, host_key_pinned_at = NULL, updated_at = ? WHERE id = ?',
      )
      .run(this.now(), id);
    return this.get(id);
  }

  /** Compares a key offered by the host with the pin: 'match', 'unknown' (nothing pinned) or 'changed'. */
  checkHostKey(id: string, offeredFingerprint: string): 'match' | 'unknown' | 'changed' {
    if (!FINGERPRINT_RE.test(offeredFingerprint))
      throw new ConsoleError('BAD_REQUEST', 'Not a SHA256 fingerprint.');
    const pinned = this.row(id).host_key_fingerprint;
    if (pinned === null) return 'unknown';
    return pinned === offeredFingerprint ? 'match' : 'changed';
  }

  /** Stores the login key (and its passphrase) in the secret store and switches the host to key auth. */
  async setPrivateKey(id: string, privateKey: string, passphrase?: string): Promise<HostRecord> {
    const row = this.row(id);
    if (row.kind === 'local') throw new ConsoleError('CONFLICT', 'This machine needs no SSH key.');
    const text = privateKey.trim();
    if (
      text.length > MAX_PRIVATE_KEY ||
      !/^-----BEGIN (?:OPENSSH |RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----\n[\s\S]+\n-----END (?:OPENSSH |RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----$/.test(
        text.replace(/\r\n/g, '\n'),
      )
    ) {
      // The message must not quote the input: it is a key.
      throw new ConsoleError(
        'BAD_REQUEST',
        'That is not a private key in OpenSSH or PEM format ("-----BEGIN … PRIVATE KEY-----").',
      );
    }
    await this.secrets.set(secretNames.hostPrivateKey(id), `${text.replace(/\r\n/g, '\n')}\n`);
    if (passphrase !== undefined && passphrase !== '')
      await this.secrets.set(secretNames.hostKeyPassphrase(id), passphrase);
    else await this.secrets.delete(secretNames.hostKeyPassphrase(id));
    this.db.prepare(`UPDATE hosts SET auth_kind = 'key', updated_at = ? WHERE id = ?`).run(this.now(), id);
    return this.get(id);
  }

  async clearPrivateKey(id: string): Promise<HostRecord> {
    this.row(id);
    await this.secrets.delete(secretNames.hostPrivateKey(id));
    await this.secrets.delete(secretNames.hostKeyPassphrase(id));
    return this.get(id);
  }
}
