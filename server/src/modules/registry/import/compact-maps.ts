import crypto from 'node:crypto';

/**
 * What an import remembers per row, in typed arrays rather than Maps of strings: a million rows take
 * tens of megabytes where Maps took ten times that. Keys are 64 bits of a hash; two different keys
 * share them with odds of about 1 in 10^7 in a file of a million rows.
 */

/**
 * 64-bit keys → 32-bit integers (open addressing, linear probing; 0 marks an empty slot), at most three
 * quarters full: 12 bytes a slot, 16 a key. Sized for `expected` keys up front (any number of slots, not
 * a power of two: 5,000,000 rows take 80 MB, not 100), it never grows, since a growth holds the old and
 * the new arrays at once.
 */
export class Key64Map {
  private keys: BigUint64Array;
  private values: Int32Array;
  private size = 0;

  constructor(expected = 0) {
    const slots = Math.max(1 << 16, Math.ceil((expected * 4) / 3));
    this.keys = new BigUint64Array(slots);
    this.values = new Int32Array(slots);
  }

  get(key: bigint): number | undefined {
    const at = this.slotOf(key);
    return this.keys[at] === 0n ? undefined : this.values[at];
  }

  set(key: bigint, value: number): void {
    const at = this.slotOf(key);
    if (this.keys[at] === 0n) {
      this.keys[at] = key;
      this.size += 1;
    }
    this.values[at] = value;
    if (this.size * 4 > this.keys.length * 3) this.grow();
  }

  private slotOf(key: bigint): number {
    const slots = this.keys.length;
    // the low 32 bits scaled to the table (keys are hashes: uniform), then the next free or equal slot
    let at = Math.min(slots - 1, Math.floor((Number(key & 0xffffffffn) * slots) / 4294967296));
    for (;;) {
      const here = this.keys[at]!;
      if (here === 0n || here === key) return at;
      at = at + 1 === slots ? 0 : at + 1;
    }
  }

  private grow() {
    const keys = this.keys;
    const values = this.values;
    this.keys = new BigUint64Array(keys.length * 2);
    this.values = new Int32Array(keys.length * 2);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key === 0n) continue;
      const at = this.slotOf(key);
      this.keys[at] = key;
      this.values[at] = values[i]!;
    }
  }
}

/** The ID numbers met so far in one ledger, each with its row. */
export class SeenIds {
  private readonly rows: Key64Map;

  /** `expected`: the rows the file is thought to have (its line count), so the map is made once */
  constructor(expected = 0) {
    this.rows = new Key64Map(expected);
  }

  /** Records `row` for the blind index, or returns the row that had it first. */
  firstRowOf(blindIndex: string, row: number): number | undefined {
    const key = nonZero(Buffer.from(blindIndex.slice(0, 11), 'base64url').readBigUInt64LE(0));
    const earlier = this.rows.get(key);
    if (earlier === undefined) this.rows.set(key, row);
    return earlier;
  }
}

/** The key of a household's place: its unit, address, unit and room number. */
export function householdKey(unitId: string, address: string, unitNo: string | null, roomNo: string | null): bigint {
  const digest = crypto
    .createHash('sha1')
    .update(`${unitId}|${address}|${unitNo ?? ''}|${roomNo ?? ''}`)
    .digest();
  return nonZero(digest.readBigUInt64LE(0));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Household ids (UUIDs, kept as 16 bytes each; any other id as it is) by the key of their place. */
export class HouseholdIds {
  private readonly index = new Key64Map();
  private readonly others = new Map<bigint, string>();
  private bytes = new Uint8Array(16 * 4096);
  private count = 0;

  get(key: bigint): string | undefined {
    const i = this.index.get(key);
    if (i === undefined) return this.others.get(key);
    const hex = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + i * 16, 16).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  set(key: bigint, id: string): void {
    if (!UUID.test(id)) {
      this.others.set(key, id);
      return;
    }
    if ((this.count + 1) * 16 > this.bytes.length) {
      const bigger = new Uint8Array(this.bytes.length * 2);
      bigger.set(this.bytes);
      this.bytes = bigger;
    }
    this.bytes.set(Buffer.from(id.replace(/-/g, ''), 'hex'), this.count * 16);
    this.index.set(key, this.count);
    this.count += 1;
  }
}

const nonZero = (key: bigint) => (key === 0n ? 1n : key);

/**
 * 32-bit fingerprints of the ID numbers already in the registry, sorted: a row whose fingerprint is
 * absent is certainly new, so a big import asks the database only about the few that might not be
 * (about one row in a thousand at five million residents, plus the real duplicates).
 */
export class IdFingerprints {
  private constructor(private readonly sorted: Uint32Array) {}

  static async load(pages: AsyncIterable<readonly string[]>): Promise<IdFingerprints> {
    let all = new Uint32Array(1 << 16);
    let count = 0;
    for await (const page of pages) {
      if (count + page.length > all.length) {
        const bigger = new Uint32Array(Math.max(all.length * 2, count + page.length));
        bigger.set(all);
        all = bigger;
      }
      for (const blindIndex of page) all[count++] = fingerprint(blindIndex);
    }
    return new IdFingerprints(all.slice(0, count).sort());
  }

  mayContain(blindIndex: string): boolean {
    const key = fingerprint(blindIndex);
    let lo = 0;
    let hi = this.sorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const here = this.sorted[mid]!;
      if (here === key) return true;
      if (here < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}

const fingerprint = (blindIndex: string) => Buffer.from(blindIndex.slice(0, 6), 'base64url').readUInt32LE(0);

/**
 * A set of 64-bit keys in a few bits each (a Bloom filter): `mayHave` is never wrong about a key it was
 * given, and says yes to about one other key in two thousand while it holds no more than `expected`
 * keys (more only raise that rate). Memory: 2 bytes a key, fixed when made.
 */
export class KeyFilter {
  private static readonly BITS_PER_KEY = 16;
  private static readonly PROBES = 11;
  private readonly bits: Uint32Array;
  private readonly size: number;

  constructor(expected: number) {
    const words = Math.max(1024, Math.ceil((Math.max(expected, 1) * KeyFilter.BITS_PER_KEY) / 32));
    this.bits = new Uint32Array(words);
    this.size = words * 32;
  }

  add(key: bigint): void {
    const [h1, h2] = halves(key);
    for (let i = 0; i < KeyFilter.PROBES; i++) {
      const bit = (h1 + i * h2) % this.size;
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  mayHave(key: bigint): boolean {
    const [h1, h2] = halves(key);
    for (let i = 0; i < KeyFilter.PROBES; i++) {
      const bit = (h1 + i * h2) % this.size;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/** Two 32-bit halves of a key, the second odd (double hashing: every probe a different bit). */
const halves = (key: bigint): [number, number] => [Number(key & 0xffffffffn), (Number(key >> 32n) | 1) >>> 0];

/**
 * The last households an import made, by the key of their place: two generations of at most `perGeneration`
 * each, so memory stays flat however long the file. Ledgers list a household's members together, so
 * nearly every member finds her household here; an older one is looked up where it was written.
 */
export class RecentHouseholds {
  private current = new Map<bigint, string>();
  private previous = new Map<bigint, string>();

  constructor(private readonly perGeneration: number) {}

  get(key: bigint): string | undefined {
    return this.current.get(key) ?? this.previous.get(key);
  }

  set(key: bigint, id: string): void {
    if (this.current.size >= this.perGeneration) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, id);
  }
}
