import { sql } from 'kysely';
import type { AppDeps } from '../platform/deps.ts';
import { newId } from '../platform/ids.ts';
import { findOrCreateResidentAccount } from '../modules/residents/accounts.ts';
import { DEMO_COMMUNITIES } from './demo.ts';

const SYSTEM = { actorId: null, actorName: 'demo', ip: null, userAgent: null };

/** The demo's resident accounts: in community i, a bound one at 1390000000<i+1> and one waiting at 1390000001<i+1>. */
export const demoResidentPhones = (index: number) => ({
  bound: `1390000000${index + 1}`,
  pending: `1390000001${index + 1}`,
});

/**
 * Demo data for residents' own accounts (issue 20, item 1): in each of the four communities of the
 * report, a resident signed up by SMS and bound to her household (the registry's phone for her is the
 * one she signs in with), and one whose binding request waits for the community's staff (she signed in
 * with another number). Sign in at /m/login with the number; the code is in the server log (`log` SMS
 * adapter). Runs once.
 */
export async function seedDemoResidents(deps: AppDeps, log: (line: string) => void): Promise<void> {
  const marker = await deps.db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', 'demo_residents_seeded')
    .executeTakeFirst();
  if (marker !== undefined) return;
  const made: string[] = [];
  await deps.db.transaction().execute(async (trx) => {
    for (const [index, c] of DEMO_COMMUNITIES.entries()) {
      const community = await trx
        .selectFrom('org_units')
        .select(['path'])
        .where('code', '=', c.code)
        .executeTakeFirst();
      if (community === undefined) continue;
      // two heads of household with ID numbers, in different households of the community
      const heads = await trx
        .selectFrom('residents')
        .select(['id', 'name', 'household_id', 'org_path'])
        .where('org_path', '>=', community.path)
        .where('org_path', '<', `${community.path.slice(0, -1)}0`)
        .where('relation', '=', '户主')
        .where('status', '=', 'living')
        .where('id_number_bidx', 'is not', null)
        .orderBy(sql`name`)
        .limit(2)
        .execute();
      if (heads.length < 2) continue;
      const phones = demoResidentPhones(index);
      const now = deps.clock.now().toISOString();
      const [bound, waiting] = heads as [(typeof heads)[0], (typeof heads)[0]];
      await trx
        .updateTable('residents')
        .set({ phone_enc: deps.pii.encrypt(phones.bound), phone_bidx: deps.pii.blindIndex('phone', phones.bound) })
        .where('id', '=', bound.id)
        .execute();
      for (const [person, phone, status] of [
        [bound, phones.bound, 'bound'],
        [waiting, phones.pending, 'pending'],
      ] as const) {
        const { user } = await findOrCreateResidentAccount(trx, deps, SYSTEM, { kind: 'phone', phone });
        await trx
          .insertInto('resident_bindings')
          .values({
            id: newId(),
            user_id: user.id,
            resident_id: person.id,
            household_id: person.household_id,
            org_path: person.org_path,
            status,
            match: status === 'bound' ? 'exact' : 'phone_differs',
            created_at: now,
            decided_at: status === 'bound' ? now : null,
            decided_by: null,
            decided_by_name: null,
            decision_note: null,
            ended_at: null,
            ended_by_name: null,
          })
          .execute();
      }
      made.push(`${c.name} ${bound.name} ${phones.bound} (bound), ${waiting.name} ${phones.pending} (waiting)`);
    }
    await trx.insertInto('counters').values({ name: 'demo_residents_seeded', value: 1 }).execute();
  });
  if (made.length > 0) {
    log(`demo residents (sign in at /m/login; the code is in this log): ${made.join('; ')}`);
  }
}
