import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config.ts';
import { DatabaseOpenError, databaseBusy, isSqliteBusy } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { AppError } from '../platform/errors.ts';
import { verifyPiiKey } from '../platform/pii/key-check.ts';
import { createFilesOwnerOnly } from '../platform/pii/private-files.ts';
import { OpsError } from '../ops/errors.ts';
import { openCliDeps } from './context.ts';
import { UsageError } from './usage.ts';

// Each command loads its own modules when it runs: a ledger import need not carry the web server and the demo.

const HELP = `tianzige — 田字格 command line

  tianzige db migrate
  tianzige divisions import [--under CODE | --all]
  tianzige grids import FILE.geojson --under COMMUNITY_CODE
  tianzige residents import FILE --org CODE [--mode all-or-nothing|valid-rows] [--on-duplicate update|skip] [--report REPORT.xlsx]
  tianzige users add --username U --name N --role ROLE --org CODE [--password P]
  tianzige apikeys create --username U [--name NAME]
  tianzige insights rebuild [--org CODE]
  tianzige reports generate --template ID --org CODE --period 2026-10 --out FILE.xlsx
  tianzige demo
  tianzige openapi --out FILE
  tianzige backup --out FILE
  tianzige restore FILE
  tianzige doctor
  tianzige keys rotate [--batch N] [--settle-seconds S]
  tianzige keys status
  tianzige audit archive --out DIR [--older-than-days N]
  tianzige retention photos --closed-days N

The database is the one TIANZIGE_DATABASE_URL / TIANZIGE_DATA_DIR name, as for the server.`;

type Handler = (args: string[]) => Promise<void>;

const commands: Record<string, Handler> = {
  'db migrate': async () => {
    const deps = await openCliDeps({ migrate: false });
    try {
      const applied = await migrateToLatest(deps.db);
      await verifyPiiKey(deps.db, deps.pii, deps.clock);
      console.log(applied.length === 0 ? 'schema is current' : `applied: ${applied.join(', ')}`);
    } finally {
      await deps.close();
    }
  },
  'divisions import': async (args) => {
    const { values } = parseArgs({ args, options: { under: { type: 'string' }, all: { type: 'boolean' } } });
    if (values.all === true && values.under !== undefined) throw new UsageError('use either --under or --all');
    const under = values.all === true ? null : (values.under ?? '6201');
    if (under !== null && !/^\d{2,12}$/.test(under)) throw new UsageError('--under takes a division code, e.g. 6201');
    const { importDivisions } = await import('../modules/orgs/divisions.ts');
    const deps = await openCliDeps();
    const started = Date.now();
    const result = await importDivisions(deps.database, deps.clock, {
      under,
      onProgress: (done, total) => process.stderr.write(`\r${done}/${total}`),
    });
    process.stderr.write('\n');
    console.log(
      `divisions ${under ?? 'all'} from ${result.source}: ${result.total} published, ${result.inserted} new, ` +
        `${result.renamed} renamed, ${result.recoded} re-coded, ${result.retired} retired, ${result.unchanged} unchanged ` +
        `(${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    await deps.close();
  },
  'grids import': async (args) => {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { under: { type: 'string' } } });
    const file = positionals[0];
    if (file === undefined || values.under === undefined)
      throw new UsageError('usage: tianzige grids import FILE --under CODE');
    const { importGridFile } = await import('../modules/orgs/grid-import.ts');
    const deps = await openCliDeps();
    try {
      const result = await importGridFile(deps, null, { text: fs.readFileSync(file, 'utf8'), underCode: values.under });
      console.log(
        `imported ${result.created.length} units under ${values.under}: ${result.created.map((c) => `${c.code} ${c.name}`).join(', ')}`,
      );
    } finally {
      await deps.close();
    }
  },
  'users add': async (args) => (await import('./accounts.ts')).addUserFromCli(args),
  'residents import': async (args) => (await import('./residents.ts')).importResidentsFromCli(args),
  'apikeys create': async (args) => (await import('./accounts.ts')).createApiKeyFromCli(args),
  'insights rebuild': async (args) => (await import('./insights.ts')).rebuildInsightsFromCli(args),
  'reports generate': async (args) => (await import('./insights.ts')).generateReportFromCli(args),
  backup: async (args) => (await import('./operations.ts')).backupFromCli(args),
  restore: async (args) => (await import('./operations.ts')).restoreFromCli(args),
  doctor: async () => (await import('./operations.ts')).doctorFromCli(),
  'keys rotate': async (args) => (await import('./operations.ts')).rotateKeysFromCli(args),
  'keys status': async () => (await import('./operations.ts')).keyStatusFromCli(),
  'audit archive': async (args) => (await import('./operations.ts')).archiveAuditFromCli(args),
  'retention photos': async (args) => (await import('./operations.ts')).removePhotosFromCli(args),
  demo: async () => {
    const { ensureDivisions } = await import('../bootstrap.ts');
    const { seedDemo } = await import('./demo.ts');
    const { ensureDefaultDutyList } = await import('../modules/duties/service.ts');
    const { seedDemoCases } = await import('./demo-cases.ts');
    const { countDemoFigures, seedDemoInsights } = await import('./demo-insights.ts');
    const { seedDemoResidents } = await import('./demo-residents.ts');
    const { seedDemoCanteen } = await import('./demo-canteen.ts');
    const { seedDemoWebhooks } = await import('./demo-webhooks.ts');
    const { seedDemoFunds } = await import('./demo-funds.ts');
    const { seedDemoParty } = await import('./demo-party.ts');
    const { seedDemoNotices } = await import('./demo-notices.ts');
    const deps = await openCliDeps();
    // the demo lives in 兰州市: on an empty database its division tree comes first, as on the server's first start
    await ensureDivisions(deps, (line) => console.log(line));
    await seedDemo(deps, (line) => console.log(line));
    await ensureDefaultDutyList(deps);
    await seedDemoCases(deps, (line) => console.log(line));
    await seedDemoInsights(deps, (line) => console.log(line));
    await seedDemoResidents(deps, (line) => console.log(line));
    await seedDemoCanteen(deps, (line) => console.log(line));
    await seedDemoWebhooks(deps, (line) => console.log(line));
    await seedDemoFunds(deps, (line) => console.log(line));
    await seedDemoParty(deps, (line) => console.log(line));
    await seedDemoNotices(deps, (line) => console.log(line));
    await countDemoFigures(deps, (line) => console.log(line));
    await deps.close();
  },
  openapi: async (args) => {
    const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
    const { buildApp } = await import('../app.ts');
    const deps = await openCliDeps({ migrate: false });
    const app = await buildApp(deps);
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).body;
    await app.close();
    await deps.close();
    if (values.out === undefined) console.log(doc);
    else {
      fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
      fs.writeFileSync(values.out, `${JSON.stringify(JSON.parse(doc), null, 2)}\n`);
      console.log(`wrote ${values.out}`);
    }
  },
};

async function run(argv: string[]): Promise<void> {
  const two = argv.slice(0, 2).join(' ');
  const one = argv[0] ?? '';
  if (commands[two] !== undefined) return commands[two](argv.slice(2));
  if (commands[one] !== undefined) return commands[one](argv.slice(1));
  console.log(HELP);
  if (one !== '' && one !== 'help' && one !== '--help') process.exitCode = 2;
}

// the database, its WAL, the keys and any report written hold personal data: nothing created is for others
createFilesOwnerOnly();
run(process.argv.slice(2)).catch((err: unknown) => {
  if (isSqliteBusy(err)) {
    // one line, no stack: the server (or another command) holds the write lock for longer than we wait
    const busy = databaseBusy();
    console.error(`error: ${busy.messages.zh} / ${busy.messages.en}`);
  } else if (err instanceof AppError) {
    console.error(`error: ${err.messages.zh} / ${err.messages.en}`);
    for (const e of err.errors) console.error(`  ${e.field}: ${e.message_zh} / ${e.message_en}`);
  } else if (
    err instanceof UsageError ||
    err instanceof ConfigError ||
    err instanceof DatabaseOpenError ||
    err instanceof OpsError
  ) {
    console.error(`error: ${err.message}`);
  } else if (
    err instanceof Error &&
    err.name === 'TypeError' &&
    'code' in err &&
    String(err.code).startsWith('ERR_PARSE_ARGS')
  ) {
    console.error(`error: ${err.message}`);
  } else {
    console.error(err);
  }
  process.exitCode = 1;
});
