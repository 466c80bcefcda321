import type { Kysely } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import type { DB } from './types.ts';
import * as m0001 from './migrations/0001_foundation.ts';
import * as m0002 from './migrations/0002_registry.ts';
import * as m0003 from './migrations/0003_cases.ts';
import * as m0004 from './migrations/0004_registry_perf.ts';
import * as m0005 from './migrations/0005_fieldwork.ts';
import * as m0006 from './migrations/0006_insights.ts';
import * as m0007 from './migrations/0007_lean_import.ts';
import * as m0008 from './migrations/0008_audit_sealed_actor.ts';
import * as m0010 from './migrations/0010_registry_trust.ts';
import * as m0011 from './migrations/0011_pii_key_check.ts';
import * as m0012 from './migrations/0012_template_owner.ts';
import * as m0014 from './migrations/0014_webhooks.ts';
import * as m0013 from './migrations/0013_residents.ts';
import * as m0015 from './migrations/0015_messages.ts';
import * as m0017 from './migrations/0017_case_events_kind.ts';
import * as m0018 from './migrations/0018_one_outbox.ts';
import * as m0019 from './migrations/0019_visit_appointments.ts';
import * as m0020 from './migrations/0020_venues.ts';
import * as m0025 from './migrations/0025_funds.ts';
import * as m0022 from './migrations/0022_party.ts';
import * as m0026 from './migrations/0026_notices.ts';
import * as m0024 from './migrations/0024_councils.ts';
import * as m0023 from './migrations/0023_points_volunteering.ts';
import * as m0028 from './migrations/0028_pii_key_rotation.ts';
import * as m0027 from './migrations/0027_task_records.ts';
import * as m0021 from './migrations/0021_canteen.ts';
import * as m0029 from './migrations/0029_retention.ts';
import * as m0030 from './migrations/0030_service_figures.ts';
import * as m0031 from './migrations/0031_task_requester_targets.ts';
import * as m0035 from './migrations/0035_council_topic_lapse.ts';
import * as m0033 from './migrations/0033_venue_photos.ts';
import * as m0042 from './migrations/0042_venue_changes.ts';
import * as m0044 from './migrations/0044_case_duplicate_index.ts';
import * as m0039 from './migrations/0039_case_queue_index.ts';
import * as m0032 from './migrations/0032_party_members_points_expiry.ts';
import * as m0037 from './migrations/0037_notice_accounts.ts';
import * as m0040 from './migrations/0040_county_key.ts';
import * as m0043 from './migrations/0043_county_key_children.ts';
import * as m0045 from './migrations/0045_county_key_services.ts';
import * as m0046 from './migrations/0046_county_key_services.ts';
import * as m0047 from './migrations/0047_county_key_photos_accounts.ts';

const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_registry': m0002,
  '0003_cases': m0003,
  '0004_registry_perf': m0004,
  '0005_fieldwork': m0005,
  '0006_insights': m0006,
  '0007_lean_import': m0007,
  '0008_audit_sealed_actor': m0008,
  '0010_registry_trust': m0010,
  '0011_pii_key_check': m0011,
  '0012_template_owner': m0012,
  '0014_webhooks': m0014,
  '0013_residents': m0013,
  '0015_messages': m0015,
  '0017_case_events_kind': m0017,
  '0018_one_outbox': m0018,
  '0019_visit_appointments': m0019,
  '0020_venues': m0020,
  '0025_funds': m0025,
  '0022_party': m0022,
  '0026_notices': m0026,
  '0024_councils': m0024,
  '0023_points_volunteering': m0023,
  '0028_pii_key_rotation': m0028,
  '0027_task_records': m0027,
  '0021_canteen': m0021,
  '0029_retention': m0029,
  '0030_service_figures': m0030,
  '0031_task_requester_targets': m0031,
  '0035_council_topic_lapse': m0035,
  '0033_venue_photos': m0033,
  '0039_case_queue_index': m0039,
  '0032_party_members_points_expiry': m0032,
  '0042_venue_changes': m0042,
  '0037_notice_accounts': m0037,
  '0040_county_key': m0040,
  '0043_county_key_children': m0043,
  '0044_case_duplicate_index': m0044,
  '0045_county_key_services': m0045,
  '0046_county_key_services': m0046,
  '0047_county_key_photos_accounts': m0047,
};

/** The names of every migration this code knows (a backup made by newer code may hold more). */
export const knownMigrationNames = (): string[] => Object.keys(migrations);

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

function migratorFor(db: Kysely<unknown>, except: readonly string[] = []): Migrator {
  return new Migrator({
    db,
    provider:
      except.length === 0
        ? provider
        : {
            getMigrations: () =>
              Promise.resolve(
                Object.fromEntries(Object.entries(migrations).filter(([name]) => !except.includes(name))),
              ),
          },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
    // numbers are handed out to work done in parallel (issue 19: 0008–0013), so one may land after a higher
    // one already ran somewhere; each is independent of the others' order, so it simply runs then
    allowUnorderedMigrations: true,
  });
}

/** Applies every pending migration (but those named in `except`: a test of one migration on older rows); returns the names applied. */
export async function migrateToLatest(db: Kysely<DB>, options: { except?: readonly string[] } = {}): Promise<string[]> {
  const { error, results } = await migratorFor(db as unknown as Kysely<unknown>, options.except).migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of migrations not yet applied (empty when the schema is current). */
export async function pendingMigrations(db: Kysely<DB>): Promise<string[]> {
  const all = await migratorFor(db as unknown as Kysely<unknown>).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
