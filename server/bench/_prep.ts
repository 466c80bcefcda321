// Prepares a SQLite bench database and a ledger for repeated CLI runs: node --import tsx prep.ts DIR ROWS
import fs from 'node:fs';
import path from 'node:path';
import { setup, writeLedger } from './registry.ts';
const [dir, rows] = [process.argv[2]!, Number(process.argv[3])];
const dialect = (process.argv[4] ?? 'sqlite') as 'sqlite' | 'postgres';
fs.mkdirSync(dir, { recursive: true });
const { fresh, communities, piiKey } = await setup(dialect, 'prep');
await writeLedger(path.join(dir, 'ledger.csv'), rows, communities);
fs.writeFileSync(path.join(dir, 'env.json'), JSON.stringify({ url: fresh.url, key: piiKey }));
await fresh.database.close();
console.log(fresh.url);
process.exit(0);
