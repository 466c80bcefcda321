import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type { DialectName } from '../src/db/database.ts';
import { importDivisions, readDivisions } from '../src/modules/orgs/divisions.ts';
import { listUnitsAtLevel } from '../src/modules/orgs/subtree-index.ts';
import { subtreeEnd } from '../src/platform/access/scope.ts';
import { systemClock } from '../src/platform/clock.ts';
import { newId } from '../src/platform/ids.ts';
import { fmtMs, freshDatabase, latency, report, timed } from './util.ts';

const COLUMNS = [
  'id',
  'key',
  'parent_id',
  'path',
  'depth',
  'level',
  'name',
  'full_name',
  'code',
  'created_at',
  'updated_at',
];

/** The same rows the import writes, built without the platform, for the bare baseline. */
async function bareRows() {
  const { divisions } = await readDivisions(null);
  const byCode = new Map<string, { id: string; path: string; depth: number; fullName: string }>();
  const root = { id: newId(), path: '/1/', depth: 0, fullName: '' };
  const now = new Date().toISOString();
  let key = 2;
  const rows: unknown[][] = [
    [root.id, 1, null, root.path, 0, 'nation', '中华人民共和国', '中华人民共和国', null, now, now],
  ];
  for (const d of divisions) {
    const parent = d.parentCode === null ? root : byCode.get(d.parentCode);
    if (parent === undefined) continue;
    const unit = {
      id: newId(),
      path: `${parent.path}${(key++).toString(36)}/`,
      depth: parent.depth + 1,
      fullName: parent.fullName + d.name,
    };
    byCode.set(d.code, unit);
    rows.push([unit.id, key - 1, parent.id, unit.path, unit.depth, d.level, d.name, unit.fullName, d.code, now, now]);
  }
  return rows;
}

/** National import (`--all`) through the platform, beside a bare bulk insert of the same rows. */
export async function benchDivisionImport(dialect: DialectName) {
  const platform = await freshDatabase(dialect, 'div');
  const run = await timed(() => importDivisions(platform.database, systemClock, { under: null }));
  const units = run.result.inserted;

  const bare = await freshDatabase(dialect, 'divbare');
  const rows = await bareRows();
  const baseline = await timed(async () => {
    if (dialect === 'sqlite') {
      const h = bare.database.sqlite!;
      const stmt = h.prepare(
        `insert into org_units (${COLUMNS.join(',')}) values (${COLUMNS.map(() => '?').join(',')})`,
      );
      h.transaction(() => {
        for (const r of rows) stmt.run(r);
      })();
    } else {
      const client = await bare.database.pool!.connect();
      try {
        const csv = (v: unknown) =>
          v === null
            ? '\\N'
            : JSON.stringify(v)
                .replace(/^"|"$/g, '')
                .replace(/[\\\t\n]/g, ' ');
        const lines = function* () {
          for (const r of rows) yield `${r.map(csv).join('\t')}\n`;
        };
        await pipeline(
          Readable.from(lines()),
          client.query(copyFrom(`copy org_units (${COLUMNS.join(',')}) from stdin`)),
        );
      } finally {
        client.release();
      }
    }
    return rows.length;
  });
  report({
    scenario: 'national division import (--all)',
    engine: dialect,
    figure: `${units} units`,
    platform: fmtMs(run.ms),
    baseline: `${fmtMs(baseline.ms)} (${dialect === 'sqlite' ? 'prepared insert' : 'COPY'})`,
    target: '≤ 20 s on SQLite',
    isMet: dialect !== 'sqlite' || run.ms <= 20_000,
    platformValue: run.ms,
    baselineValue: baseline.ms,
  });
  await bare.drop();
  return platform;
}

/** All communities under a city, with the national tree loaded: the range scan every scope filter is. */
export async function benchSubtreeQuery(dialect: DialectName, platform: Awaited<ReturnType<typeof freshDatabase>>) {
  const { db } = platform.database;
  const cities = await db.selectFrom('org_units').select(['path', 'name']).where('level', '=', 'city').execute();
  const sample = cities.filter((_, i) => i % 7 === 0);
  const viaPlatform = await latency(500, (i) => listUnitsAtLevel(db, sample[i % sample.length]!.path, 'community'));
  const sqlText = `select id, name, code, path from org_units where level = ? and path >= ? and path < ?`;
  let viaBare;
  if (dialect === 'sqlite') {
    const stmt = platform.database.sqlite!.prepare(sqlText);
    viaBare = await latency(500, (i) => {
      const p = sample[i % sample.length]!.path;
      return stmt.all('community', p, subtreeEnd(p));
    });
  } else {
    const pool = platform.database.pool!;
    const pgText = 'select id, name, code, path from org_units where level = $1 and path >= $2 and path < $3';
    viaBare = await latency(500, (i) => {
      const p = sample[i % sample.length]!.path;
      return pool.query({ name: 'subtree', text: pgText, values: ['community', p, subtreeEnd(p)] });
    });
  }
  report({
    scenario: 'subtree range query (all communities under a city, national tree loaded)',
    engine: dialect,
    figure: 'p95',
    platform: `${fmtMs(viaPlatform.p95)} (p50 ${fmtMs(viaPlatform.p50)})`,
    baseline: `${fmtMs(viaBare.p95)} (p50 ${fmtMs(viaBare.p50)})`,
    target: 'p95 ≤ 5 ms',
    isMet: viaPlatform.p95 <= 5,
    platformValue: viaPlatform.p95,
    baselineValue: viaBare.p95,
  });
}
