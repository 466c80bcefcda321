import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { systemClock } from '../platform/clock.ts';
import type { AppDeps } from '../platform/deps.ts';
import { PiiCipher, loadPiiKeys } from '../platform/pii/crypto.ts';

/** Opens the database the environment names (the same one a running server uses) for a CLI command. */
export async function openCliDeps(options: { migrate?: boolean } = {}): Promise<AppDeps & { close(): Promise<void> }> {
  const config = loadConfig();
  const database = await openDatabase(config.database);
  if (options.migrate !== false) await migrateToLatest(database.db);
  return {
    db: database.db,
    dialect: database.dialect,
    database,
    config,
    clock: systemClock,
    pii: new PiiCipher(loadPiiKeys({ envKey: config.piiKey, dataDir: config.dataDir })),
    close: () => database.close(),
  };
}
