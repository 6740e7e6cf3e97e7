// madmin EncryptData/DecryptData: round trips for all three ids across the
// 16 KiB block boundary, tampering and wrong keys refused, and a reply
// captured from a real MinIO server (GET /minio/admin/v3/list-users, made
// by a throwaway test server whose root secret is below) decrypted.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decryptData,
  decryptJson,
  encryptData,
  ENC_ARGON2ID_AES_GCM,
  ENC_ARGON2ID_CHACHA20,
  ENC_PBKDF2_AES_GCM,
  MadminCryptoError,
  type EncId,
} from '../../../electron/core/minio/madmin-crypto';

const ids: [string, EncId][] = [
  ['Argon2id + AES-256-GCM', ENC_ARGON2ID_AES_GCM],
  ['Argon2id + ChaCha20-Poly1305', ENC_ARGON2ID_CHACHA20],
  ['PBKDF2 + AES-256-GCM', ENC_PBKDF2_AES_GCM],
];

describe('madmin EncryptData/DecryptData', () => {
  for (const [label, id] of ids) {
    it(`round-trips with ${label} (0 to 3 blocks)`, async () => {
      // Argon2id costs ~0.3 s per key: fewer sizes for it.
      const sizes = id === ENC_PBKDF2_AES_GCM ? [0, 1, 16383, 16384, 16385, 40000] : [0, 16384, 40000];
      for (const size of sizes) {
        const plain = randomBytes(size);
        const enc = await encryptData('s3cr3t-key', plain, id);
        expect(enc[32]).toBe(id);
        // header 41 bytes, then one 16-byte tag per block; a full last block stays final.
        const blocks = Math.max(1, Math.ceil(size / 16384));
        expect(enc.length).toBe(41 + size + 16 * blocks);
        expect(Buffer.compare(await decryptData('s3cr3t-key', enc), plain)).toBe(0);
      }
    }, 30_000);
  }

  it('refuses a wrong key, altered data, a truncated stream and an unknown id', async () => {
    const enc = await encryptData('right', Buffer.from('{"a":1}'), ENC_PBKDF2_AES_GCM);
    await expect(decryptData('wrong', enc)).rejects.toBeInstanceOf(MadminCryptoError);
    const altered = Buffer.from(enc);
    altered[altered.length - 1]! ^= 1;
    await expect(decryptData('right', altered)).rejects.toThrow(/authentication failed/);
    const big = await encryptData('right', randomBytes(20000), ENC_PBKDF2_AES_GCM);
    // Dropping the final block must not pass as a shorter message.
    await expect(decryptData('right', big.subarray(0, 41 + 16400))).rejects.toThrow(/authentication failed/);
    const unknown = Buffer.from(enc);
    unknown[32] = 7;
    await expect(decryptData('right', unknown)).rejects.toThrow(/unknown encryption id 0x07/);
    await expect(decryptData('right', Buffer.alloc(10))).rejects.toThrow(/too short/);
  });

  it('decrypts a real MinIO reply (list-users, Argon2id)', async () => {
    const secret = '341e03a1e6269e52738e5fea652aadc9f65f661c';
    const reply = Buffer.from(
      'gr8mD4Wa9YsuQi0IvgYy19QC3OTTSJsnfYJHsE9t4g8ACvYA2VmLVh+7mQoT4uw/9DYFB3Sku/ac5ptNQJ4QpJDXK5OaLutv1c2+fkBhTBVyzjMn+fIEz6JQcekp50h99AX+3puPsxZzXrYZgnQOPWY8/3We7LijqKBU1FEzMw1BLzlA4nsi+73dbimY3YV1ryvo09g6sqvEpJObk8pkvqCmwPVcFVBZvXvvxyJ+D8Hk0DEUDM1uvwcElsn1vkg32Bt6EbjQVDjpL3voUnm1aLPAvHsaV+xE7+rBdmZv0bksgDg9X0SEzVQKDB0yDkzl',
      'base64',
    );
    expect(reply[32]).toBe(ENC_ARGON2ID_AES_GCM);
    const users = await decryptJson<Record<string, { status: string; policyName?: string }>>(secret, reply);
    expect(Object.keys(users).sort()).toEqual(['alice', 'bob']);
    expect(users.bob).toMatchObject({ status: 'enabled', policyName: 'p1' });
    await expect(decryptData(`${secret}x`, reply)).rejects.toBeInstanceOf(MadminCryptoError);
  });
});
