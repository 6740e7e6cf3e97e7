/**
 * SSH public host keys and their SHA256 fingerprints, spelled exactly as
 * `ssh-keygen -lf` prints them: "SHA256:" + unpadded base64 of the SHA-256
 * of the key blob.
 */
import { createHash } from 'node:crypto';
import { ConsoleError } from '../../../shared';

export interface ParsedPublicKey {
  type: string;
  blob: Buffer;
  /** "<type> <base64>" without a comment: what the store pins. */
  canonical: string;
  fingerprint: string;
}

const KEY_TYPES = new Set([
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'ssh-dss',
]);

export function fingerprintOfBlob(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export const FINGERPRINT_RE = /^SHA256:[A-Za-z0-9+/]{43}$/;

/**
 * Parses an OpenSSH public key line ("ssh-ed25519 AAAA… comment"). The key
 * type written in front must match the one inside the blob.
 */
export function parsePublicKey(text: string): ParsedPublicKey {
  const bad = (why: string) => new ConsoleError('BAD_REQUEST', `Not an SSH public key: ${why}.`);
  if (text.length > 16_384) throw bad('too long');
  const [type, b64] = text.trim().split(/\s+/);
  if (!type || !b64) throw bad('expected "<type> <base64>"');
  if (!KEY_TYPES.has(type)) throw bad(`unknown key type`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) throw bad('the key is not base64');
  const blob = Buffer.from(b64, 'base64');
  if (blob.length < 4) throw bad('the key is truncated');
  const inner = blob.readUInt32BE(0);
  if (inner + 4 > blob.length || blob.subarray(4, 4 + inner).toString('latin1') !== type) {
    throw bad('the key type does not match the key data');
  }
  return {
    type,
    blob,
    canonical: `${type} ${blob.toString('base64')}`,
    fingerprint: fingerprintOfBlob(blob),
  };
}
