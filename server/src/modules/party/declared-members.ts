import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { pathAncestors } from '../insights/facts.ts';
import { syncResidentRollups } from '../insights/rollups.ts';
import { subtreeEnd } from '../../platform/access/scope.ts';
import { newId } from '../../platform/ids.ts';

/**
 * The registry's 党员 is a membership, not a care tag (issue 14, item 1). A resident the registry declares
 * 党员 — a row of an import, the registry form — becomes a member of the party organisation of her place
 * (the deepest 党小组, 党支部 or 党总支 at or above her household's unit), or, where her place has none yet, a
 * *candidate* the party page offers to staff (`party_candidates`). She is never counted as a 关爱对象: the
 * care-tag list leaves 党员 out (registry/care-tags.ts), and so do the counters (insights/facts.ts).
 */

export interface DeclaredResident {
  id: string;
  name: string;
  /** her household's place */
  org_path: string;
}

export type DeclaredSource = 'registry' | 'import' | 'tag';

const MEMBER_KINDS = ['group', 'branch', 'general_branch'] as const;

/**
 * Enrols residents declared 党员 inside the caller's transaction: a membership at her place's party
 * organisation, or a candidacy; nothing for one who already holds an active membership. Returns how many
 * became members and how many candidates.
 */
export async function enrolDeclaredMembers(
  trx: Kysely<DB>,
  now: Date,
  residents: readonly DeclaredResident[],
  source: DeclaredSource,
  actorId: string | null,
): Promise<{ members: number; candidates: number }> {
  const out = { members: 0, candidates: 0 };
  if (residents.length === 0) return out;
  const at = now.toISOString();
  const held = new Set(
    (
      await trx
        .selectFrom('party_members')
        .select('resident_id')
        .where(
          'resident_id',
          'in',
          residents.map((r) => r.id),
        )
        .where('status', '=', 'active')
        .execute()
    ).map((r) => r.resident_id),
  );
  const ancestors = [...new Set(residents.flatMap((r) => pathAncestors(r.org_path)))];
  const orgs = await trx
    .selectFrom('party_orgs')
    .select(['id', 'org_path', 'kind'])
    .where('org_path', 'in', ancestors)
    .where('kind', 'in', MEMBER_KINDS)
    .execute();
  for (const r of residents) {
    if (held.has(r.id)) {
      await trx.deleteFrom('party_candidates').where('resident_id', '=', r.id).execute();
      continue;
    }
    held.add(r.id);
    // the deepest organisation at or above her place; at one unit a 党小组 before a 党支部
    const home = orgs
      .filter((o) => r.org_path.startsWith(o.org_path))
      .sort(
        (a, b) =>
          b.org_path.length - a.org_path.length ||
          MEMBER_KINDS.indexOf(a.kind as (typeof MEMBER_KINDS)[number]) -
            MEMBER_KINDS.indexOf(b.kind as (typeof MEMBER_KINDS)[number]),
      )[0];
    if (home === undefined) {
      await trx
        .insertInto('party_candidates')
        .values({ resident_id: r.id, org_path: r.org_path, name: r.name, source, created_at: at })
        .onConflict((oc) => oc.column('resident_id').doNothing())
        .execute();
      out.candidates += 1;
      continue;
    }
    await trx
      .insertInto('party_members')
      .values({
        id: newId(),
        party_org_id: home.id,
        org_path: home.org_path,
        resident_id: r.id,
        alliance_unit_id: null,
        name: r.name,
        duty: 'member',
        status: 'active',
        joined_on: null,
        created_by: actorId,
        created_at: at,
        ended_at: null,
      })
      .execute();
    await trx.deleteFrom('party_candidates').where('resident_id', '=', r.id).execute();
    out.members += 1;
  }
  return out;
}

/**
 * A party organisation set up at a unit takes in the candidates living under it (the registry's 党员
 * whose place had none): each becomes a member of the deepest organisation at her place, now this one.
 */
export async function enrolCandidatesUnder(
  trx: Kysely<DB>,
  now: Date,
  path: string,
  actorId: string | null,
): Promise<number> {
  const waiting = await trx
    .selectFrom('party_candidates as c')
    .innerJoin('residents as r', 'r.id', 'c.resident_id')
    .select(['r.id', 'r.name', 'r.org_path'])
    .where('c.org_path', '>=', path)
    .where('c.org_path', '<', subtreeEnd(path))
    .where('r.status', '=', 'living')
    .execute();
  return (await enrolDeclaredMembers(trx, now, waiting, 'registry', actorId)).members;
}

/** Withdraws a candidacy the registry no longer declares (a membership is ended on the party page). */
export async function withdrawCandidate(trx: Kysely<DB>, residentId: string): Promise<void> {
  await trx.deleteFrom('party_candidates').where('resident_id', '=', residentId).execute();
}

/** A resident's standing: an active member, a candidate offered to staff, or neither. */
export async function partyStateOf(db: Kysely<DB>, residentId: string): Promise<'member' | 'candidate' | null> {
  const member = await db
    .selectFrom('party_members')
    .select('id')
    .where('resident_id', '=', residentId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (member !== undefined) return 'member';
  const candidate = await db
    .selectFrom('party_candidates')
    .select('resident_id')
    .where('resident_id', '=', residentId)
    .executeTakeFirst();
  return candidate === undefined ? null : 'candidate';
}

/** Whether each resident is a party member (active membership) or a candidate: what the registry shows as 党员. */
export async function declaredPartyMembers(db: Kysely<DB>, residentIds: readonly string[]): Promise<Set<string>> {
  if (residentIds.length === 0) return new Set();
  const [members, candidates] = await Promise.all([
    db
      .selectFrom('party_members')
      .select('resident_id')
      .where('resident_id', 'in', residentIds)
      .where('status', '=', 'active')
      .execute(),
    db.selectFrom('party_candidates').select('resident_id').where('resident_id', 'in', residentIds).execute(),
  ]);
  return new Set([...members, ...candidates].map((r) => r.resident_id!));
}

/**
 * Older data kept 党员 as a care tag (`resident_tags` with the `party_member` tag): each such resident is
 * enrolled (a member of her place's organisation, or a candidate), the tag row goes, and her counters
 * move in the same transaction (she leaves 关爱对象). Idempotent and cheap when there is nothing left:
 * run at start-up and after the demo's party organisations exist. Returns how many were converted.
 */
export async function adoptPartyTags(db: Kysely<DB>, now: Date): Promise<number> {
  let converted = 0;
  for (;;) {
    const rows = await db
      .selectFrom('resident_tags as rt')
      .innerJoin('care_tags as ct', 'ct.id', 'rt.tag_id')
      .innerJoin('residents as r', 'r.id', 'rt.resident_id')
      .select(['r.id', 'r.name', 'r.org_path', 'rt.tag_id'])
      .where('ct.code', '=', 'party_member')
      .limit(500)
      .execute();
    if (rows.length === 0) return converted;
    await db.transaction().execute(async (trx) => {
      const ids = rows.map((r) => r.id);
      await enrolDeclaredMembers(trx, now, rows, 'tag', null);
      await trx
        .deleteFrom('resident_tags')
        .where('tag_id', '=', rows[0]!.tag_id)
        .where('resident_id', 'in', ids)
        .execute();
      await syncResidentRollups(trx, ids);
    });
    converted += rows.length;
  }
}
