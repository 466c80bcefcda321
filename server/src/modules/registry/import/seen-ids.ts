/**
 * The ID numbers met so far in one ledger, each with its row, in typed arrays: 64 bits of the blind
 * index per row (open addressing), so a million rows take 24 MB where a Map of strings took ten times
 * that. Two different numbers share 64 bits with odds of about 1 in 10^7 in a file of a million.
 */
export class SeenIds {
  private keys = new BigUint64Array(1 << 16);
  private rows = new Int32Array(1 << 16);
  private size = 0;

  /** Records `row` for the blind index, or returns the row that had it first. */
  firstRowOf(blindIndex: string, row: number): number | undefined {
    const key = keyOf(blindIndex);
    const mask = this.keys.length - 1;
    let at = Number(key & BigInt(mask));
    for (;;) {
      const here = this.keys[at]!;
      if (here === 0n) break;
      if (here === key) return this.rows[at];
      at = (at + 1) & mask;
    }
    this.keys[at] = key;
    this.rows[at] = row;
    this.size += 1;
    if (this.size * 2 > this.keys.length) this.grow();
    return undefined;
  }

  private grow() {
    const keys = this.keys;
    const rows = this.rows;
    this.keys = new BigUint64Array(keys.length * 2);
    this.rows = new Int32Array(keys.length * 2);
    const mask = this.keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key === 0n) continue;
      let at = Number(key & BigInt(mask));
      while (this.keys[at] !== 0n) at = (at + 1) & mask;
      this.keys[at] = key;
      this.rows[at] = rows[i]!;
    }
  }
}

/** The first 64 bits of a base64url blind index (0 stands for an empty slot, so it is moved to 1). */
function keyOf(blindIndex: string): bigint {
  const key = Buffer.from(blindIndex.slice(0, 11), 'base64url').readBigUInt64LE(0);
  return key === 0n ? 1n : key;
}
