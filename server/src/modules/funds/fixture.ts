import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { CODES, TEST_PASSWORD, type Client, type TestContext } from '../../test/harness.ts';
import { TINY_PNG, multipartBody } from '../../test/http.ts';
import {
  clientFrom,
  codesSentTo,
  idNumberFor,
  registerResident,
  requestCode,
  verifyCode,
} from '../residents/fixture.ts';

/** Test helpers for compound funds (only tests import this file). */

export interface Session {
  client: Client;
  headers: Record<string, string>;
}

function sessionOf(t: TestContext, res: LightMyRequestResponse): Session {
  const session = res.cookies.find((c) => c.name === 'tz_session')!.value;
  const csrf = res.json<{ csrfToken: string }>().csrfToken;
  return { client: clientFrom(t, res), headers: { cookie: `tz_session=${session}`, 'x-csrf-token': csrf } };
}

export async function staffSession(t: TestContext, username: string): Promise<Session> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: TEST_PASSWORD },
  });
  expect(res.statusCode, res.body).toBe(200);
  return sessionOf(t, res);
}

export async function smsSession(t: TestContext, phone: string): Promise<Session> {
  const sent = await requestCode(t, phone);
  expect(sent.statusCode, sent.body).toBe(200);
  const code = (await codesSentTo(t, phone)).at(-1)!;
  const res = await verifyCode(t, phone, code);
  expect(res.statusCode, res.body).toBe(200);
  return sessionOf(t, res);
}

/** POSTs a JSON payload with a receipt photo as multipart (or no file when `receipt` is null). */
export function postWithReceipt(
  t: TestContext,
  session: Session,
  url: string,
  payload: unknown,
  receipt: Buffer | null = TINY_PNG,
) {
  const form = multipartBody(
    { payload: JSON.stringify(payload) },
    receipt === null ? [] : [{ field: 'receipt', fileName: 'receipt.png', data: receipt, contentType: 'image/png' }],
  );
  return t.app.inject({
    method: 'POST',
    url,
    payload: form.payload,
    headers: { 'content-type': form.contentType, ...session.headers },
  });
}

/** An adopted (or rejected) council decision of a council at `orgPath`, as the councils module records one. */
export async function councilDecision(
  t: TestContext,
  org: { id: string; path: string },
  title: string,
  result: 'adopted' | 'rejected' = 'adopted',
): Promise<string> {
  const now = t.clock.now().toISOString();
  const { rows } = await sql<{ id: string }>`select id from councils where org_id = ${org.id}`.execute(t.deps.db);
  const councilId = rows[0]?.id ?? crypto.randomUUID();
  if (rows.length === 0) {
    await sql`insert into councils (id, org_id, org_path, name, vote_basis, quorum, majority, support_threshold,
      support_days, created_at) values (${councilId}, ${org.id}, ${org.path}, ${`${title}议事会`}, 'household',
      'half', 'half', 20, 30, ${now})`.execute(t.deps.db);
  }
  const id = crypto.randomUUID();
  const [yes, no] = result === 'adopted' ? [15, 5] : [5, 15];
  await sql`insert into council_decisions (id, council_id, org_path, meeting_id, topic_id, title, resolution, result,
    eligible, present, yes, no, abstain, owners_fen, subsidy_fen, company_fen, is_public, decided_at, decided_by_name)
    values (${id}, ${councilId}, ${org.path}, ${crypto.randomUUID()}, ${crypto.randomUUID()}, ${title}, ${title},
    ${result}, 30, 20, ${yes}, ${no}, 0, 60000, 30000, 10000, 1, ${now}, '测试')`.execute(t.deps.db);
  return id;
}

export const HER_PHONE = '13700009001';
export const HER_ID = idNumberFor('1962-05-14', 211);

/**
 * 营门滩社区 with a compound (营门滩家属院) and three households in the community, one of them bound to
 * her phone account; a secretary (`ymt_sj`) and a secretary of 山字石 (`szs_sj`) outside.
 */
export async function setUpFundWorld(t: TestContext) {
  await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
  await t.createUser({ username: 'szs_sj', role: 'community_secretary', orgCode: CODES.shanZiShi });
  const staff = await staffSession(t, 'ymt_sj');
  const outsider = await staffSession(t, 'szs_sj');
  const community = await t.org(CODES.yingMenTan);
  const made = await staff.client.post('/api/v1/orgs', {
    parentId: community.id,
    level: 'compound',
    name: '营门滩家属院',
  });
  expect(made.statusCode, made.body).toBe(201);
  const compound = made.json<{ id: string; path: string }>();
  const households: string[] = [];
  for (const [i, name] of ['马秀兰', '李建国', '王淑珍'].entries()) {
    const { householdId } = await registerResident(
      staff.client,
      { orgId: community.id, address: `营门滩家属院 3 号楼 ${i + 1}01` },
      i === 0
        ? { name, idNumber: HER_ID, phone: HER_PHONE }
        : { name, idNumber: idNumberFor('1958-01-0' + String(i + 1), 300 + i) },
    );
    households.push(householdId);
  }
  const her = await smsSession(t, HER_PHONE);
  const bound = await her.client.post('/api/v1/my/binding', { name: '马秀兰', idNumber: HER_ID });
  expect(bound.json()).toMatchObject({ isBound: true });
  const unit = await t.deps.db
    .selectFrom('org_units')
    .select(['id', 'path'])
    .where('id', '=', compound.id)
    .executeTakeFirstOrThrow();
  return { staff, outsider, her, community, compound: unit, households };
}
