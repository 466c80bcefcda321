import crypto from 'node:crypto';

// Cryptographically secure bytes, drawn from a pool: one system call per 64 KiB instead of one per id or IV.
const POOL_SIZE = 64 * 1024;
let pool = crypto.randomBytes(POOL_SIZE);
let offset = 0;

/** `n` fresh random bytes (a copy; never handed out twice). */
export function randomBytesPooled(n: number): Buffer {
  if (offset + n > POOL_SIZE) {
    pool = crypto.randomBytes(POOL_SIZE);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + n));
  offset += n;
  return out;
}
