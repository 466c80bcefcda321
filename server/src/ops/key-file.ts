import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { PiiCipher } from '../platform/pii/crypto.ts';
import { piiKeyCheckValue } from '../platform/pii/key-check.ts';

/** Where the personal-data key comes from, read without creating one (the server creates it on first start; restore and doctor must not). */
export type ConfiguredKey =
  | { source: 'env'; checkValue: string }
  | { source: 'file'; file: string; mode: number; checkValue: string }
  | { source: 'missing'; file: string }
  | { source: 'unreadable'; file: string; reason: string };

export function piiKeyFile(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'keys', 'pii.key');
}

/** The configured key's check value (never the key), or why there is none. */
export function readConfiguredKey(config: Pick<Config, 'dataDir' | 'piiKey'>): ConfiguredKey {
  if (config.piiKey !== undefined)
    return { source: 'env', checkValue: checkValueOf(Buffer.from(config.piiKey, 'base64')) };
  const file = piiKeyFile(config);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return { source: 'missing', file };
  }
  try {
    const raw = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (raw.length !== 64)
      return { source: 'unreadable', file, reason: 'not 64 bytes of base64 / 不是 base64 编码的 64 字节' };
    return { source: 'file', file, mode: stat.mode & 0o777, checkValue: checkValueOf(raw) };
  } catch (err) {
    return { source: 'unreadable', file, reason: (err as Error).message };
  }
}

function checkValueOf(raw: Buffer): string {
  return piiKeyCheckValue(new PiiCipher({ encryption: raw.subarray(0, 32), blindIndex: raw.subarray(32, 64) }));
}
