import fs from 'node:fs';
import path from 'node:path';
import { buildApp } from './app.ts';
import { ensureAdmin, ensureDivisions, ensureDutyList } from './bootstrap.ts';
import { sweepDeadlines } from './modules/cases/deadlines.ts';
import { sweepNoticeFollowUps } from './modules/notices/service.ts';
import { sweepCanteenAbsences } from './modules/canteen/care.ts';
import { sweepLapsedTopics } from './modules/councils/topics.ts';
import { recordJobRun } from './ops/job-runs.ts';
import { serverLoggerOptions } from './ops/logging.ts';
import { startMessageDispatcher } from './modules/messages/start.ts';
import { startWebhookDispatcher } from './modules/webhooks/start.ts';
import { startPointsExpiry } from './modules/points/expiry.ts';
import { adoptPartyTags } from './modules/party/declared-members.ts';
import { watchKeyRing } from './ops/keys/ring.ts';
import { seedDemo } from './cli/demo.ts';
import { seedDemoCases } from './cli/demo-cases.ts';
import { countDemoFigures, seedDemoInsights } from './cli/demo-insights.ts';
import { seedDemoResidents } from './cli/demo-residents.ts';
import { seedDemoCanteen } from './cli/demo-canteen.ts';
import { seedDemoWebhooks } from './cli/demo-webhooks.ts';
import { seedDemoFunds } from './cli/demo-funds.ts';
import { seedDemoParty } from './cli/demo-party.ts';
import { seedDemoNotices } from './cli/demo-notices.ts';
import { failInterruptedJobs } from './modules/registry/import/jobs.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DatabaseOpenError, databaseBusy, isSqliteBusy } from './db/database.ts';
import { openDeps } from './open-deps.ts';
import { AppError } from './platform/errors.ts';
import { createFilesOwnerOnly, ensurePrivateDir, restrictToOwner } from './platform/pii/private-files.ts';

/** Boot: config → data dir → database → migrations → first-start data → app → listen. */
async function main(): Promise<void> {
  // the database, its WAL, the keys and uploaded ledgers hold personal data: nothing we create is for others
  createFilesOwnerOnly();
  const config = loadConfig();
  checkDataDirWritable(config.dataDir);
  const deps = await openDeps(config);
  restrictToOwner(path.join(config.dataDir, 'keys'), 0o700);
  restrictToOwner(path.join(config.dataDir, 'keys', 'pii.key'));
  const log = (line: string) => console.log(`[tianzige] ${line}`);
  await ensureDivisions(deps, log);
  await ensureAdmin(deps, (line) => console.log(line));
  await ensureDutyList(deps);
  if (config.isDemo) {
    await seedDemo(deps, log);
    await seedDemoCases(deps, log);
    await seedDemoInsights(deps, log);
    await seedDemoResidents(deps, log);
    await seedDemoCanteen(deps, log);
    await seedDemoWebhooks(deps, log);
    await seedDemoFunds(deps, log);
    await seedDemoParty(deps, log);
    await seedDemoNotices(deps, log);
    await countDemoFigures(deps, log);
  }
  // older data kept 党员 as a care tag: each becomes a party membership (or a candidate) and leaves 关爱对象
  const adopted = await adoptPartyTags(deps.db, deps.clock.now());
  if (adopted > 0) log(`${adopted} resident(s) tagged 党员 became party members or candidates (no longer a care tag)`);
  const interrupted = await failInterruptedJobs(deps);
  if (interrupted > 0)
    log(`${interrupted} import job(s) interrupted by the last stop were marked failed; they wrote nothing`);
  const app = await buildApp(deps, { logger: serverLoggerOptions(config.logLevel) });
  await app.listen({ port: config.port, host: config.host });
  // The deadline job: due soon, overdue, escalation, auto-close. Several servers may run it; each change is version-checked.
  let canteenSweptAt = 0;
  const sweep = setInterval(() => {
    recordJobRun('deadline_sweep', () => sweepDeadlines(deps)).catch((err: unknown) =>
      app.log.error({ err }, 'deadline sweep failed'),
    );
    // 说文解策: notices unread N days after sending go to the grid workers as home visits (notices/service.ts)
    sweepNoticeFollowUps(deps).catch((err: unknown) => app.log.error({ err }, 'notice follow-up sweep failed'));
    // 幸福食堂: regular diners who missed the last N meal days go to their grid workers as visits (canteen/care.ts);
    // absences count whole meal days, so once an hour is enough, and each absence is asked about once
    if (Date.now() - canteenSweptAt >= 3_600_000) {
      canteenSweptAt = Date.now();
      sweepCanteenAbsences(deps).catch((err: unknown) => app.log.error({ err }, 'canteen absence sweep failed'));
    }
    // 议事: topics whose time for support ran out below the threshold lapse, and their proposers are told (councils/topics.ts)
    sweepLapsedTopics(deps).catch((err: unknown) => app.log.error({ err }, 'council topic lapse sweep failed'));
  }, 60_000);
  sweep.unref();
  // The outbox: SMS and WeChat messages leave through their adapters (`log` unless configured); several servers may run it.
  const dispatcher = startMessageDispatcher(
    deps,
    (line) => app.log.info(line),
    (err) => app.log.error({ err }, 'message dispatch failed'),
  );
  // Webhooks: signed case events POSTed to subscribers (12345, 一网统管, partners); several servers may run it.
  const webhooks = startWebhookDispatcher(deps, (err) => app.log.error({ err }, 'webhook delivery failed'));
  // Points expiry by each community's policy (points/expiry.ts): hourly; each account and cut month expires once, whichever server runs it.
  const pointsExpiry = startPointsExpiry(deps, (err) => app.log.error({ err }, 'points expiry failed'));
  // Key rotation (`tianzige keys rotate`): the ring follows the database's state within a few seconds.
  const keyRing = watchKeyRing(deps.db, deps.pii, config, [deps.pii.keysForWorker()], (line) => app.log.error(line));
  const stop = async () => {
    keyRing.stop();
    clearInterval(sweep);
    await dispatcher.stop();
    await webhooks.stop();
    await pointsExpiry.stop();
    await app.close();
    await deps.close();
    process.exit(0);
  };
  // Before the line that says it serves: a supervisor may stop it the moment it reads that line, and a
  // signal with no listener yet ends the process at once, uncleanly.
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  log(`田字格 Tianzige is serving http://localhost:${config.port} on ${deps.dialect}`);
}

function checkDataDirWritable(dir: string): void {
  try {
    ensurePrivateDir(dir);
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new ConfigError(`data directory is not writable / 数据目录不可写: ${dir} (TIANZIGE_DATA_DIR)`);
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DatabaseOpenError) {
    console.error(`tianzige: ${err.message}`);
  } else if (err instanceof AppError) {
    console.error(`tianzige: ${err.messages.zh} / ${err.messages.en}`);
  } else if (isSqliteBusy(err)) {
    const busy = databaseBusy();
    console.error(`tianzige: ${busy.messages.zh} / ${busy.messages.en}`);
  } else {
    console.error('tianzige: start-up failed:', err);
  }
  process.exit(1);
});
