import { sql } from 'kysely';
import { keyedByPlace } from '../../db/county-key.ts';
import type { DB } from '../../db/types.ts';
import { type Actor, inScope, inScopeWithin, scopeRoots } from '../../platform/access/scope.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { invalidField } from '../../platform/errors.ts';
import { getOrgInScope } from '../orgs/service.ts';
import { listCareTags, visibleTo } from './care-tags.ts';
import { type ExactKind, takeExactSearch } from './exact-search.ts';
import { bornOnOrBefore } from './id-number.ts';
import { idNumberIndexes, phoneIndexes } from './resident-input.ts';
import { type ResidentContext, toResidentsOut } from './residents.ts';
import type { ResidentSearchBody } from './schema.ts';
import type { ResidentTable } from './tables.ts';

const escapeLike = (s: string) => s.replace(/[\\%_]/g, '');

/** The residents in scope matching every given filter; the query every list, search and export shares. */
export async function buildResidentQuery(
  deps: AppDeps,
  actor: Actor,
  filter: Omit<ResidentSearchBody, 'page' | 'pageSize'>,
  permission: 'resident.read' | 'resident.export' = 'resident.read',
) {
  const now = deps.clock.now();
  const unit = filter.orgId === undefined ? null : await getOrgInScope(deps.db, actor, { id: filter.orgId });
  const keyed = await keyedByPlace(deps.db, 'residents');
  let query = deps.db
    .selectFrom('residents')
    .where(
      unit === null
        ? inScope<DB, 'residents'>(actor, permission, 'residents.org_path', keyed)
        : inScopeWithin<DB, 'residents'>(actor, permission, 'residents.org_path', unit.path, keyed),
    );
  if (filter.q !== undefined) {
    const q = filter.q;
    const pattern = `%${escapeLike(q)}%`;
    query = /^[a-zA-Z]+$/.test(q)
      ? query.where((eb) =>
          eb.or([eb('residents.name_initials', 'like', `${q.toLowerCase()}%`), eb('residents.name', 'like', pattern)]),
        )
      : query.where('residents.name', 'like', pattern);
  }
  const exact: ExactKind[] = [];
  if (filter.idNumber !== undefined) {
    const bidx = idNumberIndexes(deps.pii, filter.idNumber, now);
    if (bidx === null)
      throw invalidField('idNumber', 'invalid_id_number', { zh: '身份证号无效', en: 'Not a valid ID number' });
    query = query.where('residents.id_number_bidx', 'in', bidx);
    exact.push('id_number');
  }
  if (filter.phone !== undefined) {
    const bidx = phoneIndexes(deps.pii, filter.phone);
    if (bidx === null)
      throw invalidField('phone', 'invalid_phone', { zh: '电话号码格式不正确', en: 'Invalid phone number' });
    query = query.where('residents.phone_bidx', 'in', bidx);
    exact.push('phone');
  }
  if (filter.address !== undefined) {
    const pattern = `%${escapeLike(filter.address)}%`;
    query = query.where('residents.household_id', 'in', (eb) =>
      eb
        .selectFrom('households')
        .select('households.id')
        .where('households.address', 'like', sql<string>`${pattern}`),
    );
  }
  if (filter.careTag !== undefined) {
    // Among the tags the actor may see: built-in, her units' and those of units below her (a street
    // searches its communities' own tags), never another community's. Names may repeat across units.
    const label = filter.careTag;
    const tags = visibleTo(await listCareTags(deps.db), actor, { isIncludingBelow: true }).filter(
      (t) => t.code === label || t.name === label,
    );
    if (tags.length === 0)
      throw invalidField('careTag', 'unknown_care_tag', { zh: '未知的关爱标签', en: 'Unknown care tag' });
    query = tags.some((t) => t.code === 'over_80')
      ? query.where('residents.birth_date', '<=', bornOnOrBefore(80, now))
      : query.where('residents.id', 'in', (eb) =>
          eb
            .selectFrom('resident_tags')
            .select('resident_tags.resident_id')
            .where(
              'resident_tags.tag_id',
              'in',
              tags.map((t) => t.id),
            ),
        );
  }
  if (filter.ageMin !== undefined)
    query = query.where('residents.birth_date', '<=', bornOnOrBefore(filter.ageMin, now));
  if (filter.ageMax !== undefined)
    query = query.where('residents.birth_date', '>', bornOnOrBefore(filter.ageMax + 1, now));
  if (filter.residenceType !== undefined) query = query.where('residents.residence_type', '=', filter.residenceType);
  if (filter.status !== 'any') query = query.where('residents.status', '=', filter.status);
  // Every list, search and export that finds people by number passes here: limited and audited.
  if (exact.length > 0) {
    await takeExactSearch(deps, actor, {
      kinds: exact,
      purpose: permission === 'resident.export' ? 'export' : 'search',
      orgPath: unit?.path ?? scopeRoots(actor, permission)[0] ?? null,
    });
  }
  return query;
}

/**
 * Counting stops here: past it a page says "1,000+" instead of paying for a scan of every match (a
 * `contains` filter over a community of tens of thousands would otherwise walk all of them per page).
 */
export const TOTAL_COUNT_CAP = 1000;

/**
 * One page of residents in scope, numbers masked. The page's ids are picked from the
 * `(org_path, name, id, status, name_initials)` index alone (an index-only scan on PostgreSQL, which
 * would otherwise visit the row of every resident a `contains` filter passes over); only those rows
 * are then read, in the same statement with their households and care tags. `hasMore` comes from
 * asking for one row more, and `total` is counted, up to the cap, only when the page cannot tell it.
 */
export async function searchResidents(deps: AppDeps, actor: Actor, body: ResidentSearchBody) {
  const { page, pageSize, ...filter } = body;
  const query = await buildResidentQuery(deps, actor, filter);
  const offset = (page - 1) * pageSize;
  const pageIds = query
    .select('residents.id')
    .orderBy('residents.org_path')
    .orderBy('residents.name')
    .orderBy('residents.id')
    .limit(pageSize + 1)
    .offset(offset);
  // A resident with two care tags comes back twice, side by side, since the order ends with her id.
  const joined = await deps.db
    .selectFrom('residents')
    .innerJoin('households', 'households.id', 'residents.household_id')
    .innerJoin('org_units', 'org_units.id', 'households.org_id')
    .leftJoin('resident_tags', 'resident_tags.resident_id', 'residents.id')
    .selectAll('residents')
    .select([
      'households.address as place_address',
      'households.org_id as place_org_id',
      'org_units.name as place_org_name',
      'resident_tags.tag_id as place_tag_id',
    ])
    .where('residents.id', 'in', pageIds)
    .orderBy('residents.org_path')
    .orderBy('residents.name')
    .orderBy('residents.id')
    .orderBy('resident_tags.tag_id')
    .execute();
  const rows: ResidentTable[] = [];
  const context: ResidentContext = { places: [], tagRows: [] };
  for (const { place_address, place_org_id, place_org_name, place_tag_id, ...row } of joined) {
    if (rows[rows.length - 1]?.id !== row.id) {
      rows.push(row);
      context.places.push({
        id: row.household_id,
        address: place_address,
        org_id: place_org_id,
        org_name: place_org_name,
      });
    }
    if (place_tag_id !== null) context.tagRows.push({ resident_id: row.id, tag_id: place_tag_id });
  }
  const hasMore = rows.length > pageSize;
  if (hasMore) rows.pop();
  if (!hasMore && (rows.length > 0 || page === 1)) {
    return {
      items: await toResidentsOut(deps, actor, rows, context),
      total: offset + rows.length,
      isTotalExact: true,
      hasMore,
    };
  }
  const cap = Math.max(TOTAL_COUNT_CAP, offset + pageSize);
  const [n, items] = await Promise.all([countMatches(deps, query, cap), toResidentsOut(deps, actor, rows, context)]);
  return { items, total: Math.min(n, cap), isTotalExact: n <= cap, hasMore };
}

async function countMatches(
  deps: AppDeps,
  query: Awaited<ReturnType<typeof buildResidentQuery>>,
  cap: number,
): Promise<number> {
  const counted = await deps.db
    .selectFrom(
      query
        .select(sql<number>`1`.as('one'))
        .limit(cap + 1)
        .as('matches'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(counted.n);
}
