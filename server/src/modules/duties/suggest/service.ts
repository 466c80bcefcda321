import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.ts';
import type { Actor } from '../../../platform/access/scope.ts';
import { canAt, hasPermission } from '../../../platform/access/scope.ts';
import type { AppDeps } from '../../../platform/deps.ts';
import { listCurrentDutyItems } from '../service.ts';
import type { DutyItemTable } from '../tables.ts';
import { type ItemText, type LearnedText, SuggestModel } from './model.ts';
import { ITEM_PHRASES } from './phrases.ts';

/**
 * The most re-classified cases read back into the model, the newest first: 5,000 rebuild in about
 * 150 ms on the event loop (20,000 took 600 ms), and recent corrections say most about today's wording.
 */
export const MAX_LEARNED_CASES = 5_000;

/**
 * A rebuild re-segments every learned text (tens of milliseconds per thousand): after one, the model
 * serves at most this long before it takes in newer re-classifications, however often staff make them.
 */
export const MIN_REBUILD_MS = 30_000;

interface Built {
  /** when the re-classifications were last counted (the injected clock) */
  checkedAt: number;
  model: SuggestModel;
  /** what the model was built from: the duty list's revisions, and the re-classifications it has seen */
  list: string;
  learned: string;
  items: Map<string, DutyItemTable>;
}

const built = new WeakMap<Kysely<DB>, Built>();
const building = new WeakMap<Kysely<DB>, Promise<Built>>();

/**
 * Descriptions of cases staff re-classified, by the item they chose: cases with a `reassigned` event
 * whose item now differs from the one intake routed them to (the `routed` event's dutyCode).
 */
export async function listLearnedTexts(db: Kysely<DB>): Promise<Map<string, LearnedText[]>> {
  const rows = await db
    .selectFrom('case_events as r')
    .innerJoin('cases as c', 'c.id', 'r.case_id')
    .innerJoin('case_events as e', (j) => j.onRef('e.case_id', '=', 'c.id').on('e.kind', '=', 'routed'))
    .select([
      'c.id',
      'c.duty_code',
      'c.description',
      'c.org_path',
      'c.reporter_user_id',
      'c.contact_phone_bidx',
      'e.detail',
    ])
    .where('r.kind', '=', 'reassigned')
    .where('c.duty_code', 'is not', null)
    .orderBy('r.at', 'desc')
    .limit(MAX_LEARNED_CASES)
    .execute();
  const seen = new Set<string>();
  const learned = new Map<string, LearnedText[]>();
  for (const row of rows) {
    if (seen.has(row.id) || row.duty_code === null) continue;
    seen.add(row.id);
    const routedCode = parseRoutedCode(row.detail);
    if (routedCode === row.duty_code) continue;
    const list = learned.get(row.duty_code) ?? [];
    // one person is one reporter however many cases she files: her account, else her phone, else the case
    const reporter =
      row.reporter_user_id !== null
        ? `u:${row.reporter_user_id}`
        : row.contact_phone_bidx !== null
          ? `p:${row.contact_phone_bidx}`
          : `c:${row.id}`;
    list.push({ text: row.description, reporter, path: row.org_path });
    learned.set(row.duty_code, list);
  }
  return learned;
}

function parseRoutedCode(detail: string | null): string | null {
  if (detail === null) return null;
  try {
    const parsed = JSON.parse(detail) as { dutyCode?: unknown };
    return typeof parsed.dutyCode === 'string' ? parsed.dutyCode : null;
  } catch {
    return null;
  }
}

/** One cheap query (an index range on case_events.kind): which re-classifications there are. */
async function learnedSignature(db: Kysely<DB>): Promise<string> {
  const r = await db
    .selectFrom('case_events')
    .select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.max('at').as('latest')])
    .where('kind', '=', 'reassigned')
    .executeTakeFirst();
  return `${String(r?.n ?? 0)}|${String(r?.latest ?? '')}`;
}

/** Builds the model from the current duty list (not retired items), their phrases and the learned cases. */
export function buildModel(items: DutyItemTable[], learned: Map<string, LearnedText[]>): SuggestModel {
  const texts: ItemText[] = items
    .filter((i) => i.is_retired === 0)
    .map((i) => ({
      code: i.code,
      name: i.name,
      category: [i.category_top, i.category_sub],
      description: i.description,
      keywords: JSON.parse(i.keywords) as string[],
      phrases: ITEM_PHRASES[i.code] ?? [],
      learned: learned.get(i.code) ?? [],
    }));
  return new SuggestModel(texts);
}

/**
 * The model for this database, rebuilt at once when the duty list changed (the list is cached), and
 * when staff re-classified a case since it was built — counted (one indexed query) at most every
 * MIN_REBUILD_MS, not per suggestion, so a busy intake desk or a long 12345 import costs no query per
 * text; concurrent callers share one rebuild.
 */
export async function currentModel(deps: Pick<AppDeps, 'db' | 'clock'>): Promise<Built> {
  const { db } = deps;
  const items = await listCurrentDutyItems(db);
  const list = items.map((i) => i.id).join(',');
  const now = deps.clock.now().getTime();
  const hit = built.get(db);
  const isSameList = hit !== undefined && hit.list === list;
  if (isSameList && now - hit.checkedAt < MIN_REBUILD_MS) return hit;
  const pending = building.get(db);
  if (pending !== undefined) return pending;
  const promise = (async () => {
    const learned = await learnedSignature(db);
    if (isSameList && hit.learned === learned) {
      hit.checkedAt = now;
      return hit;
    }
    const model = buildModel(items, await listLearnedTexts(db));
    const next: Built = { checkedAt: now, model, list, learned, items: new Map(items.map((i) => [i.code, i])) };
    built.set(db, next);
    return next;
  })().finally(() => building.delete(db));
  building.set(db, promise);
  return promise;
}

export interface ItemSuggestion {
  code: string;
  name: string;
  category: [string, string];
  score: number;
}

/**
 * The duty items a description most likely belongs to, best first. Residents (who may not take
 * cases in at intake) are offered only the items residents may choose; staff, every current item.
 * Words learned from re-classified cases count when several people's cases share them
 * (model.ts MIN_SHARED_REPORTERS), or, for staff, when the case is one she may read.
 */
export async function suggestDutyItems(
  deps: AppDeps,
  actor: Actor,
  input: { text: string; limit: number },
): Promise<{ items: ItemSuggestion[] }> {
  const { model, items } = await currentModel(deps);
  const isStaff = hasPermission(actor, 'case.intake');
  const allowed = new Set(
    [...items.values()].filter((i) => i.is_retired === 0 && (isStaff || i.is_public === 1)).map((i) => i.code),
  );
  // an answer rests on no word only one person's re-classified cases hold unless the caller may read
  // them: another resident's name, address or phone number could be probed for otherwise, item by item
  const audience = { canRead: (path: string) => isStaff && canAt(actor, 'case.read', path) };
  return {
    items: model.suggest(input.text, { limit: input.limit, allowed, audience }).map((s) => {
      const item = items.get(s.code)!;
      return {
        code: s.code,
        name: item.name,
        category: [item.category_top, item.category_sub],
        score: Math.round(s.score * 100) / 100,
      };
    }),
  };
}

/** How far the best item must lead the next for a text to be classified with no one to confirm it. */
export const CONFIDENT_RATIO = 1.5;

/**
 * The one item a text clearly belongs to, or null: for channels where no one chooses (a 12345 ticket
 * without an item code). The best suggestion must score CONFIDENT_RATIO × the next; otherwise the case
 * goes to the fallback unit as before, and staff classify it (which the model then learns from).
 */
export async function suggestConfidentItem(deps: Pick<AppDeps, 'db' | 'clock'>, text: string): Promise<string | null> {
  const { model } = await currentModel(deps);
  const [best, next] = model.suggest(text, { limit: 2 });
  if (best === undefined) return null;
  return next === undefined || best.score >= CONFIDENT_RATIO * next.score ? best.code : null;
}
