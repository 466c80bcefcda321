import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database, DialectName } from '../db/database.ts';
import type { DB } from '../db/types.ts';
import type { Clock } from './clock.ts';
import type { PiiCipher } from './pii/crypto.ts';

/** What every service needs, built once at boot (or per test). */
export interface AppDeps {
  db: Kysely<DB>;
  dialect: DialectName;
  database: Database;
  config: Config;
  clock: Clock;
  pii: PiiCipher;
}
