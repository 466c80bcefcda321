import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { subtreeEnd } from '../../platform/access/scope.ts';

/** Every non-zero counter, as 'path fact dims' → n, in key order (for comparing incremental with rebuilt). */
export async function snapshotCounters(db: Kysely<DB>): Promise<Record<string, number>> {
  const rows = await db.selectFrom('insight_counters').selectAll().execute();
  const out: Record<string, number> = {};
  for (const r of rows.filter((x) => Number(x.n) !== 0).sort((a, b) => (key(a) < key(b) ? -1 : 1)))
    out[key(r)] = Number(r.n);
  return out;
}
const key = (r: { org_path: string; fact: string; dims: string }) => `${r.org_path} ${r.fact} ${r.dims}`;

/** Figures counted straight from the raw tables, the way a person checking the dashboard would. */
export async function countDirectly(db: Kysely<DB>, path: string, year: number) {
  const end = subtreeEnd(path);
  const living = db
    .selectFrom('residents')
    .where('residents.org_path', '>=', path)
    .where('residents.org_path', '<', end)
    .where('residents.status', '=', 'living');
  const [residents, over80, households, alone, tagged, open, overdue, received] = await Promise.all([
    living.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    living
      .where('birth_date', '<', String(year - 79))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('households')
      .where('org_path', '>=', path)
      .where('org_path', '<', end)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    living
      .innerJoin('resident_tags as rt', 'rt.resident_id', 'residents.id')
      .innerJoin('care_tags as ct', 'ct.id', 'rt.tag_id')
      .where('ct.code', '=', 'living_alone')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    living
      .where((eb) =>
        eb.exists(
          eb.selectFrom('resident_tags').select('tag_id').whereRef('resident_tags.resident_id', '=', 'residents.id'),
        ),
      )
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('cases')
      .where('org_path', '>=', path)
      .where('org_path', '<', end)
      .where('status', 'in', ['submitted', 'accepted', 'in_progress'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('cases')
      .where('org_path', '>=', path)
      .where('org_path', '<', end)
      .where('status', 'in', ['submitted', 'accepted', 'in_progress'])
      .where('due_state', '=', 'overdue')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('cases')
      .where('org_path', '>=', path)
      .where('org_path', '<', end)
      .where('status', '!=', 'merged')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    residents: Number(residents.n),
    over80: Number(over80.n),
    households: Number(households.n),
    elderlyAlone: Number(alone.n),
    careTagged: Number(tagged.n),
    openCases: Number(open.n),
    overdueCases: Number(overdue.n),
    casesReceived: Number(received.n),
  };
}
