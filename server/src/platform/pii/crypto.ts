import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytesPooled } from '../random.ts';

/** Keys for personal numbers: AES-256-GCM for storage and HMAC-SHA256 for the blind index. */
export interface PiiKeys {
  encryption: Buffer;
  blindIndex: Buffer;
}

/** Loads the key from the environment value, or from `<dataDir>/keys/pii.key`, creating it (mode 600) on first start. */
export function loadPiiKeys(options: { envKey: string | undefined; dataDir: string }): PiiKeys {
  if (options.envKey !== undefined) return splitKey(Buffer.from(options.envKey, 'base64'));
  const file = path.join(options.dataDir, 'keys', 'pii.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, crypto.randomBytes(64).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  return splitKey(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64'));
}

/** The key file of a data dir, and the next key's while a rotation is under way. */
export const piiKeyFile = (dataDir: string) => path.join(dataDir, 'keys', 'pii.key');
export const nextPiiKeyFile = (dataDir: string) => path.join(dataDir, 'keys', 'pii.next.key');

/** A key as the environment or a key file holds it (64 random bytes, base64). */
export function parsePiiKey(base64: string): PiiKeys {
  return splitKey(Buffer.from(base64.trim(), 'base64'));
}

function splitKey(raw: Buffer): PiiKeys {
  if (raw.length !== 64) throw new Error('PII key must be 64 bytes');
  return { encryption: raw.subarray(0, 32), blindIndex: raw.subarray(32, 64) };
}

export type BlindIndexKind = 'phone' | 'id_number' | 'wechat_openid' | 'sms_code';

/**
 * Encrypts and indexes personal numbers with the key ring's writing key. Outside a key rotation the
 * ring holds one key. While `tianzige keys rotate` runs (rotation.ts) the writing key is the new one and
 * the old one stays valid for reading: decryption tries each key (GCM's tag tells the right one) and a
 * look-up asks for every key's blind index (`blindIndexes`), so a row not yet converted is still found.
 */
export class PiiCipher {
  private write: PiiKeys;
  private readers: PiiKeys[];

  constructor(keys: PiiKeys, alsoValid: PiiKeys[] = []) {
    this.write = keys;
    this.readers = alsoValid;
  }

  /** Replaces the ring: the key to write with, and older keys still valid for reading and look-ups. */
  setRing(write: PiiKeys, alsoValid: PiiKeys[]): void {
    this.write = write;
    this.readers = alsoValid;
  }

  /** How many keys are valid now (2 during a rotation). */
  get ringSize(): number {
    return 1 + this.readers.length;
  }

  /** The keys, for a worker thread of this same process that encrypts on its behalf (a ledger import's reader). */
  keysForWorker(): PiiKeys {
    return this.write;
  }

  /** Encrypts to `v1.<iv>.<tag>.<ciphertext>` (base64url parts). */
  encrypt(plain: string): string {
    const iv = randomBytesPooled(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', keyObjectsOf(this.write).encryption, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(
      '.',
    );
  }

  decrypt(stored: string): string {
    try {
      return decryptWith(this.write, stored);
    } catch (err) {
      for (const keys of this.readers) {
        try {
          return decryptWith(keys, stored);
        } catch {
          // the next key
        }
      }
      throw err;
    }
  }

  /** Whether the writing key alone decrypts it (the rotation's test of a converted value). */
  isWrittenWithCurrentKey(stored: string): boolean {
    try {
      decryptWith(this.write, stored);
      return true;
    } catch {
      return false;
    }
  }

  /** Keyed blind index: equal inputs of one kind give equal tokens; the token reveals nothing without the key. */
  blindIndex(kind: BlindIndexKind, normalized: string): string {
    return blindIndexWith(this.write, kind, normalized);
  }

  /**
   * Every valid key's blind index of the value, the writing key's first: what an exact look-up matches
   * (`where … in (…)`), so a look-up during a rotation finds rows of either key. One element outside a rotation.
   */
  blindIndexes(kind: BlindIndexKind, normalized: string): string[] {
    return [this.write, ...this.readers].map((keys) => blindIndexWith(keys, kind, normalized));
  }
}

function decryptWith(keys: PiiKeys, stored: string): string {
  const [version, iv, tag, body] = stored.split('.');
  if (version !== 'v1' || iv === undefined || tag === undefined || body === undefined) {
    throw new Error('unknown ciphertext format');
  }
  const decipher = crypto.createDecipheriv('aes-256-gcm', keyObjectsOf(keys).encryption, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

/**
 * The keys as KeyObjects, made once per key ring entry: handing Node a raw Buffer makes it import the key
 * again on every call, which cost four to five times the HMAC or AES-GCM itself (a million-row import
 * spent 100 s of its reader's 170 s in the key import: issue 18).
 */
const keyObjects = new WeakMap<PiiKeys, { encryption: crypto.KeyObject; blindIndex: crypto.KeyObject }>();
function keyObjectsOf(keys: PiiKeys): { encryption: crypto.KeyObject; blindIndex: crypto.KeyObject } {
  let objects = keyObjects.get(keys);
  if (objects === undefined) {
    objects = {
      encryption: crypto.createSecretKey(keys.encryption),
      blindIndex: crypto.createSecretKey(keys.blindIndex),
    };
    keyObjects.set(keys, objects);
  }
  return objects;
}

function blindIndexWith(keys: PiiKeys, kind: BlindIndexKind, normalized: string): string {
  return crypto
    .createHmac('sha256', keyObjectsOf(keys).blindIndex)
    .update(`${kind}:${normalized}`)
    .digest('base64url')
    .slice(0, 32);
}

/** `13812345678` → `138****5678` */
export function maskPhone(phone: string): string {
  if (phone.length < 8) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

/**
 * `62010219900101123X` → `6201021990********`: the region and the birth year, nothing after. The month,
 * day, sequence and check character stay hidden, so even a caller who learns the full birth date (and
 * the gender, which is the sequence's parity) is left with 500 candidates, not one.
 */
export function maskIdNumber(id: string): string {
  if (id.length < 10) return '*'.repeat(id.length);
  return `${id.slice(0, 10)}${'*'.repeat(id.length - 10)}`;
}

/** Mainland mobile numbers: 11 digits starting with 1; landlines 0 + area code + number. */
export function normalizePhone(input: string): string {
  return input.replace(/[\s-]/g, '').replace(/^\+?86/, '');
}
export const PHONE_PATTERN = /^(1[3-9]\d{9}|0\d{2,3}\d{7,8})$/;
