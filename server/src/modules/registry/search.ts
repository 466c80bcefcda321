import { sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, inScope, inScopeWithin } from '../../platform/access/scope.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { invalidField } from '../../platform/errors.ts';
import { getOrgInScope } from '../orgs/service.ts';
import { listCareTags } from './care-tags.ts';
import { bornOnOrBefore } from './id-number.ts';
import { idNumberIndex, phoneIndex } from './resident-input.ts';
import { toResidentsOut } from './residents.ts';
import type { ResidentSearchBody } from './schema.ts';

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
  let query = deps.db
    .selectFrom('residents')
    .where(
      unit === null
        ? inScope<DB, 'residents'>(actor, permission, 'residents.org_path')
        : inScopeWithin<DB, 'residents'>(actor, permission, 'residents.org_path', unit.path),
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
  if (filter.idNumber !== undefined) {
    const bidx = idNumberIndex(deps.pii, filter.idNumber, now);
    if (bidx === null)
      throw invalidField('idNumber', 'invalid_id_number', { zh: '身份证号无效', en: 'Not a valid ID number' });
    query = query.where('residents.id_number_bidx', '=', bidx);
  }
  if (filter.phone !== undefined) {
    const bidx = phoneIndex(deps.pii, filter.phone);
    if (bidx === null)
      throw invalidField('phone', 'invalid_phone', { zh: '电话号码格式不正确', en: 'Invalid phone number' });
    query = query.where('residents.phone_bidx', '=', bidx);
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
    const tag = (await listCareTags(deps.db)).find((t) => t.code === filter.careTag || t.name === filter.careTag);
    if (tag === undefined)
      throw invalidField('careTag', 'unknown_care_tag', { zh: '未知的关爱标签', en: 'Unknown care tag' });
    query =
      tag.code === 'over_80'
        ? query.where('residents.birth_date', '<=', bornOnOrBefore(80, now))
        : query.where('residents.id', 'in', (eb) =>
            eb
              .selectFrom('resident_tags')
              .select('resident_tags.resident_id')
              .where('resident_tags.tag_id', '=', tag.id),
          );
  }
  if (filter.ageMin !== undefined)
    query = query.where('residents.birth_date', '<=', bornOnOrBefore(filter.ageMin, now));
  if (filter.ageMax !== undefined)
    query = query.where('residents.birth_date', '>', bornOnOrBefore(filter.ageMax + 1, now));
  if (filter.residenceType !== undefined) query = query.where('residents.residence_type', '=', filter.residenceType);
  if (filter.status !== 'any') query = query.where('residents.status', '=', filter.status);
  return query;
}

/** One page of residents in scope, numbers masked. */
export async function searchResidents(deps: AppDeps, actor: Actor, body: ResidentSearchBody) {
  const { page, pageSize, ...filter } = body;
  const query = await buildResidentQuery(deps, actor, filter);
  const [rows, total] = await Promise.all([
    query
      .selectAll('residents')
      .orderBy('residents.org_path')
      .orderBy('residents.status')
      .orderBy('residents.name')
      .orderBy('residents.id')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await toResidentsOut(deps, rows), total: Number(total.n) };
}
