import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';

export async function findUserById(db: Kysely<DB>, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByUsername(db: Kysely<DB>, username: string) {
  return db.selectFrom('users').selectAll().where('username', '=', username.toLowerCase()).executeTakeFirst();
}

/** Role assignments of users, with the unit names needed to show them. */
export async function listAssignments(db: Kysely<DB>, userIds: string[]) {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('role_assignments as ra')
    .innerJoin('org_units as o', 'o.id', 'ra.org_id')
    .select([
      'ra.id',
      'ra.user_id',
      'ra.role',
      'ra.org_id',
      'ra.org_path',
      'o.name as org_name',
      'o.full_name as org_full_name',
    ])
    .where('ra.user_id', 'in', userIds)
    .orderBy('ra.created_at')
    .execute();
}
