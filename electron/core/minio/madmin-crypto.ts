/**
 * madmin's EncryptData / DecryptData (minio/madmin-go encrypt.go), which
 * the admin API uses for bodies that carry secrets (add-user, service
 * accounts, list-users):
 *
 *   salt[32] ‖ id[1] ‖ nonce[8] ‖ sio stream
 *
 * id 0x00: Argon2id → AES-256-GCM; 0x01: Argon2id → ChaCha20-Poly1305;
 * 0x02: PBKDF2-SHA256 (8192 rounds) → AES-256-GCM. The password is the
 * requester's secret key.
 *
 * The sio-go stream: AEAD nonce = nonce8 ‖ uint32 LE sequence number.
 * Sequence 0 seals nothing (no AAD) and its tag T becomes the AAD of every
 * block: 0x00‖T for a non-final block, 0x80‖T for the final one (which
 * may be empty or a full 16 KiB). Blocks use sequence 1, 2, …
 */
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from 'node:crypto';
import { argon2id } from 'hash-wasm';

export const ENC_ARGON2ID_AES_GCM = 0x00;
export const ENC_ARGON2ID_CHACHA20 = 0x01;
export const ENC_PBKDF2_AES_GCM = 0x02;
export type EncId = typeof ENC_ARGON2ID_AES_GCM | typeof ENC_ARGON2ID_CHACHA20 | typeof ENC_PBKDF2_AES_GCM;

const SALT_LEN = 32;
const NONCE_LEN = 8;
const HEADER_LEN = SALT_LEN + 1 + NONCE_LEN;
const BLOCK = 16384;
const TAG = 16;
const PBKDF2_ROUNDS = 8192;

/** Raised for data that is not madmin-encrypted, was made with another key, or was altered. */
export class MadminCryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MadminCryptoError';
  }
}

async function deriveKey(id: number, password: string, salt: Uint8Array): Promise<Buffer> {
  if (id === ENC_PBKDF2_AES_GCM) return pbkdf2Sync(password, salt, PBKDF2_ROUNDS, 32, 'sha256');
  if (id === ENC_ARGON2ID_AES_GCM || id === ENC_ARGON2ID_CHACHA20) {
    const key = await argon2id({
      password,
      salt,
      iterations: 1,
      memorySize: 64 * 1024,
      parallelism: 4,
      hashLength: 32,
      outputType: 'binary',
    });
    return Buffer.from(key);
  }
  throw new MadminCryptoError(`unknown encryption id 0x${id.toString(16).padStart(2, '0')}`);
}

function algorithm(id: number): 'aes-256-gcm' | 'chacha20-poly1305' {
  return id === ENC_ARGON2ID_CHACHA20 ? 'chacha20-poly1305' : 'aes-256-gcm';
}

function nonceFor(nonce8: Uint8Array, seq: number): Buffer {
  const n = Buffer.alloc(12);
  n.set(nonce8, 0);
  n.writeUInt32LE(seq, 8);
  return n;
}

function seal(alg: string, key: Buffer, nonce: Buffer, plain: Uint8Array, aad: Uint8Array): Buffer {
  const c = createCipheriv(alg as 'aes-256-gcm', key, nonce, { authTagLength: TAG });
  c.setAAD(aad, { plaintextLength: plain.length });
  const out = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
  return out;
}

function open(alg: string, key: Buffer, nonce: Buffer, sealed: Uint8Array, aad: Uint8Array): Buffer {
  if (sealed.length < TAG) throw new MadminCryptoError('truncated block');
  const body = sealed.subarray(0, sealed.length - TAG);
  const d = createDecipheriv(alg as 'aes-256-gcm', key, nonce, { authTagLength: TAG });
  d.setAAD(aad, { plaintextLength: body.length });
  d.setAuthTag(sealed.subarray(sealed.length - TAG));
  try {
    return Buffer.concat([d.update(body), d.final()]);
  } catch {
    throw new MadminCryptoError('authentication failed (wrong secret key, or the data was altered)');
  }
}

/** madmin.EncryptData. Requests default to PBKDF2 (node:crypto alone, fast); the server accepts all three. */
export async function encryptData(
  password: string,
  data: Uint8Array,
  id: EncId = ENC_PBKDF2_AES_GCM,
  random: (n: number) => Buffer = randomBytes,
): Promise<Buffer> {
  const salt = random(SALT_LEN);
  const nonce8 = random(NONCE_LEN);
  const key = await deriveKey(id, password, salt);
  const alg = algorithm(id);
  const t = seal(alg, key, nonceFor(nonce8, 0), new Uint8Array(), new Uint8Array()).subarray(0, TAG);
  const aadMore = Buffer.concat([Buffer.from([0x00]), t]);
  const aadFinal = Buffer.concat([Buffer.from([0x80]), t]);
  const parts: Buffer[] = [Buffer.from(salt), Buffer.from([id]), Buffer.from(nonce8)];
  let seq = 1;
  let offset = 0;
  // A block is final when nothing follows it, so a full last block is final too (as sio's writer does).
  while (data.length - offset > BLOCK) {
    parts.push(seal(alg, key, nonceFor(nonce8, seq++), data.subarray(offset, offset + BLOCK), aadMore));
    offset += BLOCK;
  }
  parts.push(seal(alg, key, nonceFor(nonce8, seq), data.subarray(offset), aadFinal));
  return Buffer.concat(parts);
}

/** madmin.DecryptData: all three ids. */
export async function decryptData(password: string, data: Uint8Array): Promise<Buffer> {
  if (data.length < HEADER_LEN + TAG) throw new MadminCryptoError('too short to be madmin-encrypted data');
  const salt = data.subarray(0, SALT_LEN);
  const id = data[SALT_LEN] as number;
  const nonce8 = data.subarray(SALT_LEN + 1, HEADER_LEN);
  const key = await deriveKey(id, password, salt);
  const alg = algorithm(id);
  const t = seal(alg, key, nonceFor(nonce8, 0), new Uint8Array(), new Uint8Array()).subarray(0, TAG);
  const aadMore = Buffer.concat([Buffer.from([0x00]), t]);
  const aadFinal = Buffer.concat([Buffer.from([0x80]), t]);
  const stream = data.subarray(HEADER_LEN);
  const sealedBlock = BLOCK + TAG;
  const out: Buffer[] = [];
  let seq = 1;
  let offset = 0;
  while (stream.length - offset > sealedBlock) {
    out.push(open(alg, key, nonceFor(nonce8, seq++), stream.subarray(offset, offset + sealedBlock), aadMore));
    offset += sealedBlock;
  }
  out.push(open(alg, key, nonceFor(nonce8, seq), stream.subarray(offset), aadFinal));
  return Buffer.concat(out);
}

export async function encryptJson(password: string, value: unknown, id?: EncId): Promise<Buffer> {
  return encryptData(password, Buffer.from(JSON.stringify(value), 'utf8'), id);
}

export async function decryptJson<T = unknown>(password: string, data: Uint8Array): Promise<T> {
  const plain = await decryptData(password, data);
  try {
    return JSON.parse(plain.toString('utf8')) as T;
  } catch {
    throw new MadminCryptoError('decrypted data is not JSON');
  }
}
