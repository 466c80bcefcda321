import type { LightMyRequestResponse } from 'fastify';
import type { Client, TestContext } from '../../test/harness.ts';
import { checkCharacter } from '../registry/id-number.ts';

/** Test helpers for residents' sign-in and binding (only tests import this file). */

/** A valid GB 11643 number for a birth date and sequence (region 620105, 安宁区). */
export function idNumberFor(birth: string, sequence: number): string {
  const first17 = `620105${birth.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
  return `${first17}${checkCharacter(first17)}`;
}

export function requestCode(t: TestContext, phone: string, ip = '198.51.100.1') {
  return t.app.inject({ method: 'POST', url: '/api/v1/auth/sms/code', payload: { phone }, remoteAddress: ip });
}

export function verifyCode(t: TestContext, phone: string, code: string, ip = '198.51.100.1') {
  return t.app.inject({ method: 'POST', url: '/api/v1/auth/sms/verify', payload: { phone, code }, remoteAddress: ip });
}

/** The sign-in codes the outbox holds for a number, oldest first (read as the SMS adapter would). */
export async function codesSentTo(t: TestContext, phone: string): Promise<string[]> {
  const rows = await t.deps.db
    .selectFrom('outbox_messages')
    .select(['payload', 'address_enc'])
    .where('kind', '=', 'auth.sms_code')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows
    .filter((r) => r.address_enc !== null && t.deps.pii.decrypt(r.address_enc) === phone)
    .map((r) => (JSON.parse(r.payload) as { params: { code: string } }).params.code);
}

export async function countCodeMessages(t: TestContext): Promise<number> {
  const row = await t.deps.db
    .selectFrom('outbox_messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'auth.sms_code')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A client carrying the session a sign-in answer set. */
export function clientFrom(t: TestContext, res: LightMyRequestResponse): Client {
  const session = res.cookies.find((c) => c.name === 'tz_session')!.value;
  const csrf = res.json<{ csrfToken: string }>().csrfToken;
  const request = (method: string, url: string, body?: unknown) =>
    t.app.inject({
      method: method as 'GET',
      url,
      cookies: { tz_session: session },
      headers: { 'x-csrf-token': csrf },
      ...(body === undefined ? {} : { payload: body as object }),
    });
  return {
    request,
    get: (url) => request('GET', url),
    post: (url, body) => request('POST', url, body),
    patch: (url, body) => request('PATCH', url, body),
    delete: (url) => request('DELETE', url),
  };
}

/** Signs in by SMS code (asks a code, reads it from the outbox, enters it) and returns her client. */
export async function signInBySms(t: TestContext, phone: string, ip = '198.51.100.1'): Promise<Client> {
  const sent = await requestCode(t, phone, ip);
  if (sent.statusCode !== 200) throw new Error(`code for ${phone}: ${sent.statusCode} ${sent.body}`);
  const code = (await codesSentTo(t, phone)).at(-1)!;
  const res = await verifyCode(t, phone, code, ip);
  if (res.statusCode !== 200) throw new Error(`verify ${phone}: ${res.statusCode} ${res.body}`);
  return clientFrom(t, res);
}

/** A household with one registry resident, entered by `staff`; the resident's id. */
export async function registerResident(
  staff: Client,
  place: { orgId: string; address: string },
  person: { name: string; idNumber: string; phone?: string; relation?: string },
): Promise<{ householdId: string; residentId: string }> {
  const household = await staff.post('/api/v1/households', place);
  if (household.statusCode !== 201) throw new Error(`household: ${household.statusCode} ${household.body}`);
  const householdId = household.json<{ id: string }>().id;
  const residentId = await addMember(staff, householdId, person);
  return { householdId, residentId };
}

export async function addMember(
  staff: Client,
  householdId: string,
  person: { name: string; idNumber: string; phone?: string; relation?: string },
): Promise<string> {
  const res = await staff.post('/api/v1/residents', {
    householdId,
    name: person.name,
    idNumber: person.idNumber,
    ...(person.phone === undefined ? {} : { phone: person.phone }),
    relation: person.relation ?? '户主',
    residenceType: 'registered',
  });
  if (res.statusCode !== 201) throw new Error(`resident: ${res.statusCode} ${res.body}`);
  return res.json<{ id: string }>().id;
}
