import type { AppDeps } from './platform/deps.ts';
import { ensureNationRoot, importDivisions } from './modules/orgs/divisions.ts';
import { insertAccount } from './modules/users/service.ts';
import { ensureDefaultDutyList } from './modules/duties/service.ts';

const SYSTEM = { actorId: null, actorName: 'system', ip: null, userAgent: null };

/** First start: the Lanzhou division tree, so a fresh install has something to govern. */
export async function ensureDivisions(deps: AppDeps, log: (line: string) => void): Promise<void> {
  const any = await deps.db.selectFrom('org_units').select('id').where('level', '=', 'province').executeTakeFirst();
  if (any !== undefined) return;
  log('importing the division tree of 兰州市 (6201)…');
  const result = await importDivisions(deps.database, deps.clock, { under: '6201' });
  log(`imported ${result.inserted} division units from ${result.source}`);
}

/**
 * Creates the `admin` account at the nation root on first start. Without TIANZIGE_ADMIN_PASSWORD a
 * random password is generated, printed once, and must be changed at first sign-in.
 */
export async function ensureAdmin(deps: AppDeps, print: (line: string) => void): Promise<void> {
  const existing = await deps.db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirst();
  if (existing !== undefined) return;
  const root = await ensureNationRoot(deps.db, deps.clock);
  const { initialPassword } = await deps.db.transaction().execute((trx) =>
    insertAccount(trx, deps, SYSTEM, {
      username: 'admin',
      displayName: '系统管理员',
      password: deps.config.adminPassword,
      homeOrg: root,
      roles: [{ role: 'admin', org: root }],
      mustChangePassword: false,
    }),
  );
  if (initialPassword !== null) print(`admin password: ${initialPassword}`);
}

/** First start: the default duty list (权责清单), so cases can be routed from day one. */
export async function ensureDutyList(deps: AppDeps): Promise<void> {
  await ensureDefaultDutyList(deps);
}
