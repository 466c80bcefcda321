import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSpreadsheet } from './read.ts';

describe('reading a ledger', () => {
  // A city's ledger (Lanzhou: 4.4 million residents) was refused at 2,000,000 rows after minutes of work.
  it('reads every row of a file past the old 2,000,000-row limit', { timeout: 300_000 }, async () => {
    const rows = 2_000_003;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tz-read-')), 'ledger.csv');
    // the cheapest ledger that long: a header and one short cell a row (8 MB)
    const line = '居民\n';
    const block = line.repeat(100_000);
    fs.writeFileSync(file, `姓名\n${block.repeat(Math.floor(rows / 100_000))}${line.repeat(rows % 100_000)}`);
    let read = 0;
    let last = 0;
    try {
      for await (const item of readSpreadsheet(file)) {
        if (!('row' in item)) continue;
        read += 1;
        last = item.row;
      }
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
    expect(read).toBe(rows);
    expect(last).toBe(rows + 1); // row 1 is the header
  });
});
