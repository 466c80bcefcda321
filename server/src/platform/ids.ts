import { randomBytesPooled } from './random.ts';

let lastMs = 0;
let counter = 0;

/**
 * Opaque, unguessable, time-ordered public id: a UUIDv7 (RFC 9562) with 74 random bits, and a
 * monotonic counter in rand_a so ids made in the same millisecond still sort in creation order.
 */
export function newId(): string {
  const now = Date.now();
  if (now === lastMs) counter = (counter + 1) & 0xfff;
  else {
    lastMs = now;
    counter = 0;
  }
  const b = randomBytesPooled(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (counter >> 8);
  b[7] = counter & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
