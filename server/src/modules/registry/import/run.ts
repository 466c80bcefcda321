import fs from 'node:fs';
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.ts';
import { bulkInsert, indexHostOf, setAsideIndexes, type TableIndex, widenSqliteCache } from '../../../db/bulk.ts';
import { CHANGE_TYPES, HOUSEHOLD_TYPES, RESIDENT_TYPES, TAG_TYPES } from '../bulk-columns.ts';
import { analyzeTables } from '../../../db/maintenance.ts';
import { type Actor, canAt, subtreeEnd } from '../../../platform/access/scope.ts';
import { recordAudit, type AuditWho } from '../../../platform/audit/service.ts';
import type { AppDeps } from '../../../platform/deps.ts';
import { newId } from '../../../platform/ids.ts';
import { collectGarbage } from '../../../platform/memory.ts';
import { type DeclaredResident, enrolDeclaredMembers } from '../../party/declared-members.ts';
import { listCareTags } from '../care-tags.ts';
import type { HouseholdTable, ResidentChangeTable, ResidentTable, ResidentTagTable } from '../tables.ts';
import { FIELD_LABELS, type ImportField, mapHeaders } from './columns.ts';
import { ImportLookups, unchecked } from './exact-lookups.ts';
import { HouseholdIds, householdKey, IdFingerprints, KeyFilter, RecentHouseholds } from './compact-maps.ts';
import type { ImportProblem, ParsedRow } from './parse.ts';
import { openLedgerReader } from './parser.ts';
import { readSpreadsheet, SpreadsheetError } from './read.ts';
import { markOf, NewRowTally, syncResidentRollups } from '../../insights/rollups.ts';
import { householdFacts } from '../../insights/facts.ts';
import { type PlaceUnit, PlaceResolver } from './resolve.ts';
import { countyKeyOf } from '../../../db/county-key.ts';

export type { ImportProblem } from './parse.ts';

/** After this many written rows the planner's statistics are refreshed. */
const ANALYZE_AFTER_ROWS = 5000;
/**
 * SQLite page cache for the write pass, in MiB: 980,000 residents went into the indexed table in 53 s
 * with 64 MiB, 49 s with 128 MiB, 80 s with SQLite's default 2 MB. 32 MiB keeps a 5,000,000-row import
 * under 512 MB for the whole process (the bench's bare load gets the same cache).
 */
export const WRITE_CACHE_MIB = 32;

export type ImportMode = 'all-or-nothing' | 'valid-rows';
export type OnDuplicate = 'update' | 'skip';

export interface ImportOptions {
  mode: ImportMode;
  onDuplicate: OnDuplicate;
  mapping?: Record<string, string>;
}

export interface ImportProgress {
  phase: 'validating' | 'writing' | 'done';
  rowsDone: number;
  rowsTotal: number;
}

export interface ImportResult {
  status: 'succeeded' | 'failed';
  rowsTotal: number;
  imported: number;
  updated: number;
  skipped: number;
  rejected: number;
  problems: ImportProblem[];
  /** a problem with the whole file (missing columns, not a spreadsheet…) */
  fileError: { code: string; zh: string; en: string } | null;
}

async function readHeaders(file: string): Promise<string[]> {
  for await (const item of readSpreadsheet(file)) if ('headers' in item) return item.headers;
  throw new SpreadsheetError('no_header', '文件没有表头', 'The file has no header row');
}

/** Rows in a CSV file, counted from its line ends (for the progress bar only); 0 when unknown (.xlsx). */
async function estimateRows(file: string): Promise<number> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    if (head[0] === 0x50 && head[1] === 0x4b) return 0;
    let lines = 0;
    for await (const chunk of handle.createReadStream({ autoClose: false })) {
      const bytes = chunk as Buffer;
      for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) lines += 1;
    }
    return Math.max(0, lines - 1);
  } finally {
    await handle.close();
  }
}

/** Households an import remembers exactly, per generation (two are kept); a test makes it small. */
export const householdMemory = { perGeneration: 20_000 };

/** Rows between two full garbage collections, which keep a big import's memory flat. */
const COLLECT_EVERY_ROWS = 20_000;

/**
 * Imports a ledger under `target` in one streaming pass inside one transaction: a worker thread reads,
 * validates and encrypts rows (parse-worker.ts) while this thread writes the batches before them; an
 * all-or-nothing import that meets a bad row stops writing, checks the rest, and rolls back — so a
 * failure, crash or kill leaves nothing of the file behind. The insight counters move once, at the end.
 */
export async function importResidents(
  deps: AppDeps,
  who: { actor: Actor | null; audit: AuditWho },
  input: {
    file: string;
    target: PlaceUnit;
    options: ImportOptions;
    jobId: string;
    /** read on a thread of its own (unset: when the file is big) */
    thread?: boolean;
    /**
     * Writes the outcome of an import that succeeds inside its transaction, so that the job's status
     * and counts are committed with the rows: a kill after the commit cannot leave a job that wrote
     * everything marked as having written nothing.
     */
    recordSuccess?: (trx: Kysely<DB>, outcome: ImportResult) => Promise<void>;
  },
  onProgress: (p: ImportProgress) => void = () => undefined,
): Promise<ImportResult> {
  const result: ImportResult = {
    status: 'failed',
    rowsTotal: 0,
    imported: 0,
    updated: 0,
    skipped: 0,
    rejected: 0,
    problems: [],
    fileError: null,
  };
  const now = deps.clock.now();
  const iso = now.toISOString();
  let columns: Map<ImportField, number>;
  try {
    const mapped = mapHeaders(await readHeaders(input.file), input.options.mapping);
    if (mapped.missing.length > 0) {
      const names = mapped.missing.map((f) => FIELD_LABELS[f]).join('、');
      result.fileError = {
        code: 'missing_columns',
        zh: `缺少必填列：${names}`,
        en: `Missing required columns: ${mapped.missing.join(', ')}`,
      };
      return result;
    }
    columns = mapped.byField;
  } catch (err) {
    if (!(err instanceof SpreadsheetError)) throw err;
    result.fileError = { code: err.code, zh: err.zh, en: err.message };
    return result;
  }
  onProgress({ phase: 'validating', rowsDone: 0, rowsTotal: 0 });
  const estimate = await estimateRows(input.file);

  const resolver = await PlaceResolver.load(deps.db, input.target);
  const tags = await listCareTags(deps.db);
  const households = new HouseholdIds();
  // the households already registered under the target, a page at a time
  for (let after = ''; ;) {
    const page = await deps.db
      .selectFrom('households')
      .select(['id', 'org_id', 'address', 'unit_no', 'room_no'])
      .where('org_path', '>=', input.target.path)
      .where('org_path', '<', subtreeEnd(input.target.path))
      .where('id', '>', after)
      .orderBy('id')
      .limit(10_000)
      .execute();
    for (const h of page) households.set(householdKey(h.org_id, h.address, h.unit_no, h.room_no), h.id);
    if (page.length < 10_000) break;
    after = page[page.length - 1]!.id;
  }
  /**
   * The households this import makes: the last ones exactly, all of them in a filter of 2 bytes each, so a
   * city's file keeps flat memory; a member whose household is older than the last 40,000 finds it in the
   * table (ledgers list members together: that is rare).
   */
  const recent = new RecentHouseholds(householdMemory.perGeneration);
  const made = new KeyFilter(estimate > 0 ? estimate : 1_000_000);
  const buildings = new Map<string, string>();
  const isAllOrNothing = input.options.mode === 'all-or-nothing';
  // a number found outside the importer's scope is an exact look-up: limited and audited (exact-lookups.ts)
  const lookups = new ImportLookups(deps.clock, who.actor?.userId ?? null);
  const lookupAudit = { jobId: input.jobId, orgId: input.target.id, orgPath: input.target.path };

  const restoreCache = widenSqliteCache(deps.database.sqlite, WRITE_CACHE_MIB);
  const writeResult = await deps.db
    .transaction()
    .execute(async (trx) => {
      const counts = { imported: 0, updated: 0, skipped: 0, rejected: 0, problems: [] as ImportProblem[] };
      const reject = (problems: ImportProblem[]) => {
        counts.rejected += 1;
        if (counts.problems.length < 10_000) counts.problems.push(...problems);
      };
      /**
       * Rows refused by the look-up rule (exact-lookups.ts: registered outside her scope, or not checked past
       * her allowance): told only with an import that is written, never with one rolled back, and they never
       * doom an all-or-nothing import. A rolled-back import could otherwise answer "which of these numbers
       * exists" for the price of one look-up, its new numbers checked for free and then undone.
       */
      const withheld: ImportProblem[] = [];
      /** an all-or-nothing import that met a bad row: the rest is only checked */
      const isDoomed = () => isAllOrNothing && counts.rejected > 0;
      let newHouseholds: HouseholdTable[] = [];
      let newResidents: ResidentTable[] = [];
      let newTags: ResidentTagTable[] = [];
      let newChanges: ResidentChangeTable[] = [];
      /** residents the import declares 党员: enrolled with their place's party organisation once written */
      let declared: DeclaredResident[] = [];
      /** residents already in the registry that this import updated: their counters are re-synced */
      const updatedIds: string[] = [];
      /** new rows by place and facts, added to the insight counters once at the end */
      const newCounts = new NewRowCounts();
      const buildingRows: { id: string; org_id: string; org_path: string; name: string; created_at: string }[] = [];
      const flush = async () => {
        if (buildingRows.length > 0)
          await bulkInsert(
            trx,
            deps.database.sqlite,
            'buildings',
            { id: 'text', org_id: 'text', org_path: 'text', name: 'text', created_at: 'text' },
            buildingRows.splice(0),
          );
        // new rows carry their insight marks and are counted once, at the end of the import
        for (const h of newHouseholds) {
          h.insight_mark = markOf({ org_path: h.org_path, facts: HOUSEHOLD_FACTS });
          newCounts.add(h.insight_mark, 'household');
        }
        for (const r of newResidents) newCounts.add(r.insight_mark!, 'resident');
        await bulkInsert(trx, deps.database.sqlite, 'households', HOUSEHOLD_TYPES, newHouseholds);
        await bulkInsert(trx, deps.database.sqlite, 'residents', RESIDENT_TYPES, newResidents);
        await bulkInsert(trx, deps.database.sqlite, 'resident_tags', TAG_TYPES, newTags);
        await bulkInsert(trx, deps.database.sqlite, 'resident_changes', CHANGE_TYPES, newChanges);
        await enrolDeclaredMembers(trx, now, declared, 'import', who.actor?.userId ?? null);
        declared = [];
        newHouseholds = [];
        newResidents = [];
        newTags = [];
        newChanges = [];
      };
      const change = (
        residentId: string,
        orgPath: string,
        kind: ResidentChangeTable['kind'],
        field: string | null,
        newValue: string | null,
      ): ResidentChangeTable => ({
        id: newId(),
        resident_id: residentId,
        org_path: orgPath,
        county_key: countyKeyOf(orgPath),
        at: iso,
        actor_id: who.audit.actorId,
        actor_name: who.audit.actorName,
        kind,
        field,
        old_value: null,
        new_value: newValue,
      });
      const householdOf = async (p: ParsedRow): Promise<string> => {
        const key = p.householdKey;
        const found = households.get(key) ?? recent.get(key);
        if (found !== undefined) return found;
        if (made.mayHave(key)) {
          // made by this import long ago (or the filter's rare false yes): look where it is written
          await flush();
          const earlier = await trx
            .selectFrom('households')
            .select('id')
            .where('org_path', '=', p.unit.path)
            .where('address', '=', p.address)
            .where('org_id', '=', p.unit.id)
            .where('unit_no', p.unitNo === null ? 'is' : '=', p.unitNo)
            .where('room_no', p.roomNo === null ? 'is' : '=', p.roomNo)
            .executeTakeFirst();
          if (earlier !== undefined) {
            recent.set(key, earlier.id);
            return earlier.id;
          }
        }
        const householdId = newId();
        made.add(key);
        recent.set(key, householdId);
        let buildingId: string | null = null;
        if (p.building !== undefined) {
          const bKey = `${p.unit.id}|${p.building}`;
          buildingId =
            buildings.get(bKey) ??
            (
              await trx
                .selectFrom('buildings')
                .select('id')
                .where('org_id', '=', p.unit.id)
                .where('name', '=', p.building)
                .executeTakeFirst()
            )?.id ??
            null;
          if (buildingId === null) {
            buildingId = newId();
            buildingRows.push({
              id: buildingId,
              org_id: p.unit.id,
              org_path: p.unit.path,
              name: p.building,
              created_at: iso,
            });
          }
          buildings.set(bKey, buildingId);
        }
        newHouseholds.push({
          id: householdId,
          org_id: p.unit.id,
          org_path: p.unit.path,
          county_key: countyKeyOf(p.unit.path),
          building_id: buildingId,
          address: p.address,
          unit_no: p.unitNo,
          room_no: p.roomNo,
          lng: p.lng,
          lat: p.lat,
          version: 1,
          created_at: iso,
          updated_at: iso,
        });
        return householdId;
      };

      const writeBatch = async (batch: ParsedRow[]) => {
        // Registry duplicates of this batch, looked up through the blind index (only those the fingerprints cannot
        // rule out; none when the registry was empty — this import's own numbers are unique in the file)
        const indexes = isFirstLoad
          ? []
          : batch
              .map((p) => p.identity.id_number_bidx)
              .filter((x): x is string => x !== null && (fingerprints === null || fingerprints.mayContain(x)));
        const existing = new Map<string, { id: string; org_path: string; version: number }>();
        for (let i = 0; i < indexes.length; i += 500) {
          const rows = await trx
            .selectFrom('residents')
            .select(['id', 'org_path', 'version', 'id_number_bidx'])
            .where('id_number_bidx', 'in', indexes.slice(i, i + 500))
            .execute();
          for (const r of rows) existing.set(r.id_number_bidx!, r);
        }
        for (const p of batch) {
          const dup = p.identity.id_number_bidx === null ? undefined : existing.get(p.identity.id_number_bidx);
          if (dup !== undefined) {
            const mayWrite = who.actor === null || canAt(who.actor, 'resident.write', dup.org_path);
            if (!mayWrite) {
              withheld.push(await lookups.take(trx, p.row));
              continue;
            }
            if (input.options.onDuplicate === 'skip') {
              counts.skipped += 1;
              continue;
            }
          } else if (lookups.isSpent && p.identity.id_number_bidx !== null) {
            // past the allowance a new number is answered as one registered elsewhere is: not checked
            withheld.push(unchecked(p.row));
            continue;
          }
          const householdId = await householdOf(p);
          if (dup !== undefined) {
            await flush();
            await trx
              .updateTable('residents')
              .set({
                ...p.identity,
                household_id: householdId,
                org_path: p.unit.path,
                county_key: countyKeyOf(p.unit.path),
                ethnicity: p.ethnicity,
                relation: p.relation,
                residence_type: p.residenceType,
                status: p.status,
                notes: p.notes,
                version: dup.version + 1,
                updated_at: iso,
              })
              .where('id', '=', dup.id)
              .execute();
            await trx.deleteFrom('resident_tags').where('resident_id', '=', dup.id).execute();
            newTags.push(
              ...p.tagIds.map((tag_id) => ({
                resident_id: dup.id,
                tag_id,
                org_path: p.unit.path,
                county_key: countyKeyOf(p.unit.path),
              })),
            );
            if (p.isPartyMember) declared.push({ id: dup.id, name: p.identity.name, org_path: p.unit.path });
            newChanges.push(change(dup.id, p.unit.path, 'update', 'import', input.jobId));
            updatedIds.push(dup.id);
            counts.updated += 1;
            continue;
          }
          const id = p.residentId;
          newResidents.push({
            id,
            household_id: householdId,
            org_path: p.unit.path,
            county_key: countyKeyOf(p.unit.path),
            ...p.identity,
            ethnicity: p.ethnicity,
            relation: p.relation,
            residence_type: p.residenceType,
            status: p.status,
            status_date: null,
            notes: p.notes,
            version: 1,
            created_at: iso,
            updated_at: iso,
            // the job is the record of who created the resident, and when (history shows it from there)
            import_job_id: input.jobId,
            insight_mark: markOf({ org_path: p.unit.path, facts: p.facts }),
          });
          newTags.push(
            ...p.tagIds.map((tag_id) => ({
              resident_id: id,
              tag_id,
              org_path: p.unit.path,
              county_key: countyKeyOf(p.unit.path),
            })),
          );
          if (p.isPartyMember) declared.push({ id, name: p.identity.name, org_path: p.unit.path });
          counts.imported += 1;
        }
        await flush();
      };

      const registered =
        estimate >= Math.min(FINGERPRINTS_FROM_ROWS, indexSetAside.fromRows) ? await countResidents(trx) : null;
      const fingerprints =
        registered !== null && estimate >= FINGERPRINTS_FROM_ROWS && registered <= estimate * FINGERPRINTS_MAX_RATIO
          ? await IdFingerprints.load(blindIndexPages(trx))
          : null;
      // a city's first load reads no resident back (the fingerprints rule every number out and the reading
      // thread catches a number twice in the file), so every index waits, the unique one too, on both engines
      const isFirstLoad = registered === 0;
      const setAside =
        registered === null || !isLargeBeside(estimate, registered)
          ? null
          : deps.database.sqlite !== undefined
            ? await setAsideIndexes(
                { sqlite: deps.database.sqlite },
                SET_ASIDE_TABLES,
                (index) => !index.isUnique || (isFirstLoad && !isKeyTarget(index)),
              )
            : isFirstLoad
              ? await setAsideIndexes(await indexHostOf(trx, undefined), SET_ASIDE_TABLES, (i) => !isKeyTarget(i))
              : null;
      onProgress({ phase: 'writing', rowsDone: 0, rowsTotal: estimate });
      const parser = openLedgerReader(
        {
          file: input.file,
          columns: [...columns],
          places: resolver.places,
          tags,
          keys: deps.pii.keysForWorker(),
          now: iso,
          isAllOrNothing,
          expectedRows: estimate,
        },
        { fileBytes: (await fs.promises.stat(input.file)).size, thread: input.thread },
      );
      let collectedAt = 0;
      for await (const batch of parser.batches()) {
        result.rowsTotal = batch.rowsRead;
        onProgress({ phase: 'writing', rowsDone: batch.rowsRead, rowsTotal: Math.max(estimate, batch.rowsRead) });
        for (const problems of batch.rejected) reject(problems);
        if (isDoomed()) {
          parser.doom();
          continue;
        }
        await writeBatch(batch.rows);
        if (isDoomed()) parser.doom();
        if (updatedIds.length >= COLLECT_EVERY_ROWS) await syncResidentRollups(trx, updatedIds.splice(0));
        if (batch.rowsRead - collectedAt >= COLLECT_EVERY_ROWS) {
          collectGarbage();
          collectedAt = batch.rowsRead;
        }
      }
      if (result.rowsTotal === 0 || isDoomed()) throw new RollbackImport(counts);
      await setAside?.restore();
      for (const problem of withheld) reject([problem]);
      await newCounts.apply(trx);
      if (updatedIds.length > 0) await syncResidentRollups(trx, updatedIds);
      await lookups.record(trx, who.audit, lookupAudit);
      await recordAudit(trx, deps.clock, who.audit, {
        action: 'resident.import',
        targetType: 'import_job',
        targetId: input.jobId,
        orgId: input.target.id,
        orgPath: input.target.path,
        detail: {
          imported: counts.imported,
          updated: counts.updated,
          skipped: counts.skipped,
          rejected: counts.rejected,
        },
      });
      await input.recordSuccess?.(trx, {
        ...result,
        status: 'succeeded',
        imported: counts.imported,
        updated: counts.updated,
        skipped: counts.skipped,
        rejected: counts.rejected,
        problems: [...counts.problems].sort((a, b) => a.row - b.row),
      });
      return counts;
    })
    .catch((err: unknown) => {
      if (err instanceof RollbackImport)
        return { ...err.counts, imported: 0, updated: 0, skipped: 0, isRolledBack: true };
      if (err instanceof SpreadsheetError) {
        result.fileError = { code: err.code, zh: err.zh, en: err.message };
        return { imported: 0, updated: 0, skipped: 0, rejected: 0, problems: [], isRolledBack: true };
      }
      throw err;
    })
    .finally(restoreCache);
  // a rolled-back import still showed its problems: its look-ups are recorded all the same
  await lookups.record(deps.db, who.audit, lookupAudit);
  if (result.fileError !== null) {
    result.rowsTotal = 0;
    return result;
  }
  if (result.rowsTotal === 0) {
    result.fileError = { code: 'no_rows', zh: '文件只有表头，没有数据行', en: 'The file has a header but no rows' };
    return result;
  }
  result.imported = writeResult.imported;
  result.updated = writeResult.updated;
  result.skipped = writeResult.skipped;
  result.rejected = writeResult.rejected;
  result.problems = writeResult.problems.sort((a, b) => a.row - b.row);
  result.status = 'isRolledBack' in writeResult ? 'failed' : 'succeeded';
  if (result.imported + result.updated >= ANALYZE_AFTER_ROWS)
    await analyzeTables(deps.db, ['residents', 'households', 'resident_tags']);
  onProgress({ phase: 'done', rowsDone: result.rowsTotal, rowsTotal: result.rowsTotal });
  return result;
}

/** Files of at least this many rows start by reading the registry's ID-number fingerprints… */
const FINGERPRINTS_FROM_ROWS = 20_000;
/** …unless the registry has more than this many residents per row of the file (reading them would cost more). */
const FINGERPRINTS_MAX_RATIO = 20;

/**
 * The tables whose non-unique indexes a large import sets aside on SQLite and makes again before it
 * commits (bulk.ts setAsideIndexes). While it writes, the import reads residents only by ID
 * number and id and their tags only by resident — unique indexes and primary keys, which stay (they are
 * constraints, and the foreign keys' targets). Households stay whole: the import looks them up by
 * address. Not on PostgreSQL: DROP INDEX locks the table against every reader until the commit.
 *
 * Into an empty registry (a city's first load) the unique index on the ID number waits too, and on
 * PostgreSQL as well: nothing is read back by number (the fingerprints of an empty registry rule every
 * number out; a number twice in the file is caught by the reading thread), and there is nobody yet to
 * lock out — a reader of the registry waits for the commit. CREATE UNIQUE INDEX at the end checks
 * uniqueness over the whole table; were it to fail, the import rolls back whole. Primary keys and the
 * unique index on `id` (what the foreign keys of tags and history point at) stay.
 */
const SET_ASIDE_TABLES = ['residents', 'resident_tags'] as const;
/** A unique index on `id`: what the foreign keys of the residents' other tables point at, so it stays. */
const isKeyTarget = (index: TableIndex) => index.isUnique && index.columns.includes('id');
/** A file sets them aside when the registry holds fewer than this many residents per row of the file. */
const SET_ASIDE_MAX_RATIO = 4;

/**
 * Files from this many rows set the indexes aside (a test makes it small). Below it the writer keeps
 * pace with the reading thread with the indexes in place, and remaking them at the end only adds time:
 * 200,000 rows took 39 and 61 s with them set aside, 34 and 30 s without (four runs interleaved, load
 * 5–10); a million, 75 and 71 s against 126 and 83 s (load 1.3–1.6).
 */
export const indexSetAside = { fromRows: 500_000 };

/**
 * Whether remaking the indexes over the whole table costs less than inserting this file's keys into
 * them: CREATE INDEX sorts every row once, while random keys (blind indexes) inserted into indexes
 * larger than the page cache rewrite a page each — 5,000,000 rows took 33 times as long as 1,000,000.
 */
const isLargeBeside = (fileRows: number, registered: number) =>
  fileRows >= indexSetAside.fromRows && registered <= fileRows * SET_ASIDE_MAX_RATIO;

async function countResidents(db: Kysely<DB>): Promise<number> {
  const { n } = await db
    .selectFrom('residents')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** The registry's ID-number blind indexes, 50,000 at a time in index order. */
async function* blindIndexPages(db: Kysely<DB>): AsyncGenerator<string[]> {
  for (let after = ''; ;) {
    const page = await db
      .selectFrom('residents')
      .select('id_number_bidx')
      .where('id_number_bidx', '>', after)
      .orderBy('id_number_bidx')
      .limit(50_000)
      .execute();
    yield page.map((r) => r.id_number_bidx!);
    if (page.length < 50_000) return;
    after = page[page.length - 1]!.id_number_bidx!;
  }
}

const HOUSEHOLD_FACTS = householdFacts();

/**
 * New rows counted by place and facts (the mark a row is written with, less its place): a ledger's million
 * residents fall into a few thousand such groups, each tallied once at the end (rollups.ts NewRowTally).
 */
class NewRowCounts {
  private readonly counts = new Map<string, number>();

  add(mark: string, kind: 'resident' | 'household'): void {
    const key = `${kind}\u0000${mark}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  async apply(trx: Kysely<DB>): Promise<void> {
    const tally = new NewRowTally();
    for (const [key, n] of this.counts) {
      const [kind, mark] = key.split('\u0000') as ['resident' | 'household', string];
      const space = mark.indexOf(' ');
      tally.add(kind, { org_path: mark.slice(0, space), facts: mark.slice(space + 1) }, n);
    }
    this.counts.clear();
    await tally.apply(trx);
  }
}

class RollbackImport extends Error {
  constructor(readonly counts: { rejected: number; problems: ImportProblem[] }) {
    super('all-or-nothing import rolled back');
  }
}
