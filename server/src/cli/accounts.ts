import { parseArgs } from 'node:util';
import { isRoleId } from '../platform/access/roles.ts';
import { notFound } from '../platform/errors.ts';
import { insertApiKey } from '../modules/users/apikeys.ts';
import { insertAccount } from '../modules/users/service.ts';
import { openCliDeps } from './context.ts';
import { UsageError } from './usage.ts';

const OPERATOR = { actorId: null, actorName: 'cli', ip: null, userAgent: 'tianzige-cli' };

/** `tianzige users add`: an operator's way in, outside delegated administration. */
export async function addUserFromCli(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      username: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      org: { type: 'string' },
      password: { type: 'string' },
      phone: { type: 'string' },
    },
  });
  const { username, name, role, org } = values;
  if (username === undefined || name === undefined || role === undefined || org === undefined) {
    throw new UsageError('usage: tianzige users add --username U --name N --role ROLE --org CODE [--password P]');
  }
  if (!isRoleId(role)) throw new UsageError(`unknown role ${role}`);
  const deps = await openCliDeps();
  try {
    const unit = await deps.db
      .selectFrom('org_units')
      .selectAll()
      .where('code', '=', org)
      .where('retired_at', 'is', null)
      .executeTakeFirst();
    if (unit === undefined) throw notFound({ zh: `区划代码 ${org} 对应的单位`, en: `Unit with code ${org}` });
    const { user, initialPassword } = await deps.db.transaction().execute((trx) =>
      insertAccount(trx, deps, OPERATOR, {
        username,
        displayName: name,
        phone: values.phone,
        password: values.password,
        homeOrg: unit,
        roles: [{ role, org: unit }],
        mustChangePassword: true,
      }),
    );
    console.log(`created ${user.username} (${role} at ${unit.full_name})`);
    if (initialPassword !== null) console.log(`initial password: ${initialPassword}`);
  } finally {
    await deps.close();
  }
}

/** `tianzige apikeys create`: prints a key acting as the user; only its hash is kept. */
export async function createApiKeyFromCli(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { username: { type: 'string' }, name: { type: 'string' } } });
  if (values.username === undefined) throw new UsageError('usage: tianzige apikeys create --username U [--name NAME]');
  const deps = await openCliDeps();
  try {
    const user = await deps.db
      .selectFrom('users')
      .select(['id'])
      .where('username', '=', values.username.toLowerCase())
      .executeTakeFirst();
    if (user === undefined) throw notFound({ zh: `用户 ${values.username}`, en: `User ${values.username}` });
    const created = await deps.db
      .transaction()
      .execute((trx) => insertApiKey(trx, deps, OPERATOR, user.id, values.name ?? 'cli'));
    console.log(created.key);
  } finally {
    await deps.close();
  }
}
