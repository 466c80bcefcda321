import fs from 'node:fs';
import path from 'node:path';
import type { DialectName } from '../src/db/database.ts';
import { benchDivisionImport, benchSubtreeQuery } from './divisions.ts';
import { benchRegistryImport, benchRegistryQueries } from './registry.ts';
import { benchCaseIntake, benchCaseQueries } from './cases.ts';
import { benchInsights } from './insights.ts';
import { benchIntake, benchReadsUnderLoad } from './intake.ts';
import { benchFieldworkSync } from './fieldwork.ts';
import { benchDeviceCache } from './device-cache.ts';
import { benchSuggest } from './suggest.ts';
import { benchMessages } from './messages.ts';
import { benchWebLoad } from './web-load.ts';
import { benchLedgerScale, benchRedemptionRace } from './points.ts';
import { benchMonthBills, benchOrderBurst } from './canteen.ts';
import { benchVenueRaces } from './venues.ts';
import { benchSoak } from './soak.ts';
import { checkQuietMachine, figures, isPostgresReachable, printLayoutComparison, usePgLayout } from './util.ts';

/**
 * `npm run bench`: every figure beside a bare-engine baseline of the same work.
 * `npm run bench -- --only sqlite --scenarios registry --rows 100000` limits engines, scenarios and size
 * (registry: `--import-only` skips the look-ups after the import — `--scenarios import` is the same —, `--import-prof DIR` CPU-profiles the import)
 * (`--venue-racers N` sizes the rooms' races; `--cases N` sizes the case queries; intake runs 15 s under autocannon; `--residents N` the dashboards';
 * `--web-repo DIR` measures the phone's first load of another built checkout, `--web-runs N` its runs;
 * 幸福食堂: `--canteen-diners N` the cut-off burst's diners, `--canteens N --canteen-size N --canteen-days N` the bills').
 * `--scenarios intake` (issue 18): intake through the API and Open311 at 20 connections (`--intake-seconds N`), then a
 * community's queue page and case panel idle and under 1,000 intakes/s (`--queue-cases N` in scope; `reads` runs that part alone).
 * `--scenarios soak` runs the 10-minute soak (`--soak-seconds N`), only when named.
 * `--partitioned` runs the case queries and the dashboards on PostgreSQL a second time with the large tables
 * partitioned by county (docs/scale.md) and prints each figure beside the plain layout's.
 * A run refuses to start while the load average is above 1.5 (`--allow-busy` runs anyway, figures marked BUSY);
 * every figure prints the load average beside it.
 */
async function main() {
  checkQuietMachine(process.argv.includes('--allow-busy'));
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  const engines: DialectName[] = ['sqlite'];
  if (only !== 'sqlite' && (await isPostgresReachable())) engines.push('postgres');
  if (only === 'postgres') engines.splice(0, 1);
  const arg = (name: string) =>
    process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
  const rows = Number(arg('--rows') ?? 1_000_000);
  const scenarios = (
    arg('--scenarios') ?? 'divisions,registry,cases,insights,fieldwork,suggest,messages,points,venues,canteen,web-load'
  ).split(',');
  const cases = Number(arg('--cases') ?? 1_000_000);
  const residents = Number(arg('--residents') ?? 5_000_000);
  for (const engine of engines) {
    if (scenarios.includes('divisions')) {
      const platform = await benchDivisionImport(engine);
      await benchSubtreeQuery(engine, platform);
      await platform.drop();
    }
    // `import` (issue 18's name) is the registry's import alone; `registry` adds the look-ups after it
    if (scenarios.includes('registry') || scenarios.includes('import')) {
      const registry = await benchRegistryImport(engine, rows);
      const isImportOnly = process.argv.includes('--import-only') || !scenarios.includes('registry');
      if (!isImportOnly) await benchRegistryQueries(engine, registry);
      await registry.fresh.drop();
    }
    if (scenarios.includes('cases')) {
      await benchCaseIntake(engine);
      await benchCaseQueries(engine, cases);
    }
    // issue 18: intake at 20 connections through the API and Open311
    if (scenarios.includes('intake')) await benchIntake(engine, Number(arg('--intake-seconds') ?? 10));
    // a community's queue page and case panel while intake runs at 1,000/s (part of `intake`, or alone as `reads`)
    if (scenarios.includes('intake') || scenarios.includes('reads')) {
      await benchReadsUnderLoad(engine, Number(arg('--queue-cases') ?? 20_000));
    }
    if (scenarios.includes('insights')) await benchInsights(engine, { residents, cases });
    if (scenarios.includes('fieldwork')) await benchFieldworkSync(engine);
    if (scenarios.includes('suggest')) await benchSuggest(engine);
    if (scenarios.includes('messages')) await benchMessages(engine);
    // 积分: the last unit raced by 50, and a ledger of --points-accounts accounts × 2 × --points-journals movements
    if (scenarios.includes('points')) {
      await benchRedemptionRace(engine);
      await benchLedgerScale(
        engine,
        Number(arg('--points-accounts') ?? 1_000_000),
        Number(arg('--points-journals') ?? 10),
      );
    }
    // 阵地: --venue-racers (50) bookings of one slot at once, and as many sign-ups for an activity's last place
    if (scenarios.includes('venues')) await benchVenueRaces(engine, Number(arg('--venue-racers') ?? 50));
    // 幸福食堂: the order cut-off burst (2,000 diners × 5 sends) and a month's bills (1,000 canteens × 50 diners)
    if (scenarios.includes('canteen')) {
      await benchOrderBurst(engine, Number(arg('--canteen-diners') ?? 2000));
      await benchMonthBills(
        engine,
        Number(arg('--canteens') ?? 1000),
        Number(arg('--canteen-size') ?? 50),
        Number(arg('--canteen-days') ?? 20),
      );
    }
    if (scenarios.includes('soak')) await benchSoak(engine, Number(arg('--soak-seconds') ?? 600));
  }
  // a county's dashboards and queue again, on PostgreSQL's tables partitioned by county
  if (process.argv.includes('--partitioned') && engines.includes('postgres')) {
    usePgLayout('partitioned');
    if (scenarios.includes('cases')) await benchCaseQueries('postgres', cases);
    if (scenarios.includes('insights')) await benchInsights('postgres', { residents, cases });
    usePgLayout('plain');
    printLayoutComparison();
  }
  // the phone's side of field work is the same whatever the server's engine
  if (scenarios.includes('fieldwork')) await benchDeviceCache();
  // the phone's first load over slow 3G: the built web app and its server, whatever the engine
  if (scenarios.includes('web-load')) {
    const repo = arg('--web-repo');
    await benchWebLoad({ runs: Number(arg('--web-runs') ?? 5), ...(repo === undefined ? {} : { repo }) });
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
