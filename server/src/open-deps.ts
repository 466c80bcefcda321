import type { Config } from './config.ts';
import { openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { systemClock } from './platform/clock.ts';
import type { AppDeps } from './platform/deps.ts';
import { syncKeyRing } from './ops/keys/ring.ts';
import { PiiCipher, loadPiiKeys } from './platform/pii/crypto.ts';
import { keyMismatch, verifyPiiKey } from './platform/pii/key-check.ts';

/**
 * The services' dependencies over the database the configuration names, opened the one way the server
 * and every CLI command open them: the busy timeout (the CLI writes beside a running server),
 * migrations, and the personal-data key checked against the data before anything reads or writes it.
 * Without migrations (`db migrate` runs them itself, then checks the key) the key is not checked here.
 */
export async function openDeps(
  config: Config,
  options: { migrate?: boolean } = {},
): Promise<AppDeps & { close(): Promise<void> }> {
  const database = await openDatabase(config.database, { busyTimeoutMs: config.sqliteBusyTimeoutMs });
  try {
    const isMigrated = options.migrate !== false;
    if (isMigrated) await migrateToLatest(database.db);
    const configured = loadPiiKeys({ envKey: config.piiKey, dataDir: config.dataDir });
    const pii = new PiiCipher(configured);
    if (isMigrated) {
      // the ring the database's state asks for: during a key rotation the new key writes, either reads
      const ring = await syncKeyRing(database.db, pii, config, [configured]);
      if (!ring.ok) throw keyMismatch();
      await verifyPiiKey(database.db, pii, systemClock);
    }
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
