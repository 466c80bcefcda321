import fs from 'node:fs';
import path from 'node:path';
import type { DialectName } from '../src/db/database.ts';
import { benchDivisionImport, benchSubtreeQuery } from './divisions.ts';
import { figures, isPostgresReachable } from './util.ts';

/**
 * `npm run bench`: every figure beside a bare-engine baseline of the same work.
 * `npm run bench -- --only sqlite` limits the engines.
 */
async function main() {
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  const engines: DialectName[] = ['sqlite'];
  if (only !== 'sqlite' && (await isPostgresReachable())) engines.push('postgres');
  if (only === 'postgres') engines.splice(0, 1);
  for (const engine of engines) {
    const platform = await benchDivisionImport(engine);
    await benchSubtreeQuery(engine, platform);
    await platform.drop();
  }
  const out = path.resolve(import.meta.dirname, 'out');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'results.json'), JSON.stringify(figures, null, 2));
  console.log(
    `\n${figures.filter((f) => f.isMet).length}/${figures.length} targets met; results in bench/out/results.json`,
  );
}

await main();
process.exit(0);
