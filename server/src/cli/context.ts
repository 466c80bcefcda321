import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { systemClock } from '../platform/clock.ts';
import type { AppDeps } from '../platform/deps.ts';
import { PiiCipher, loadPiiKeys } from '../platform/pii/crypto.ts';
import { verifyPiiKey } from '../platform/pii/key-check.ts';

/** Opens the database the environment names (the same one a running server uses) for a CLI command. */
export async function openCliDeps(
  options: { migrate?: boolean; isKeyChecked?: boolean } = {},
): Promise<AppDeps & { close(): Promise<void> }> {
  const config = loadConfig();
  const database = await openDatabase(config.database, { busyTimeoutMs: config.sqliteBusyTimeoutMs });
  try {
    if (options.migrate !== false) await migrateToLatest(database.db);
    const pii = new PiiCipher(loadPiiKeys({ envKey: config.piiKey, dataDir: config.dataDir }));
    // as at the server's start: another key on this database is refused before anything is read or written
    if (options.migrate !== false && options.isKeyChecked !== false) await verifyPiiKey(database.db, pii, systemClock);
    return {
      db: database.db,
      dialect: database.dialect,
      database,
      config,
      clock: systemClock,
      pii,
      close: () => database.close(),
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}
