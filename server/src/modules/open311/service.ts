import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, hasPermission } from '../../platform/access/scope.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, invalidField, notFound } from '../../platform/errors.ts';
import { PHONE_PATTERN, normalizePhone } from '../../platform/pii/crypto.ts';
import { submitCase } from '../cases/intake.ts';
import { listPublicDutyItems } from '../duties/service.ts';
import type { DutyItemTable } from '../duties/tables.ts';
import { MEDIA_LINE_PREFIX, receiptNotice, writtenReceiptNotice } from './requests.ts';
import type { RequestCreateParams } from './schema.ts';

export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

/** One service of GET services: a duty item residents and Open311 clients may choose. */
export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string | null;
  metadata: boolean;
  type: 'realtime';
  keywords: string | null;
  group: string | null;
}

function toService(item: DutyItemTable): Open311Service {
  const keywords = JSON.parse(item.keywords) as string[];
  return {
    service_code: item.code,
    service_name: item.name,
    description: item.description === '' ? null : item.description,
    // no service asks for attributes beyond the spec's own fields
    metadata: false,
    // intake answers at once with the case number
    type: 'realtime',
    keywords: keywords.length === 0 ? null : keywords.join(','),
    group: item.category_top,
  };
}

async function findPublicItem(db: Kysely<DB>, code: string): Promise<DutyItemTable> {
  const item = (await listPublicDutyItems(db)).find((i) => i.code === code);
  if (item === undefined) throw notFound({ zh: `服务类型 ${code}`, en: `service_code ${code}` });
  return item;
}

/** GET services: every public, current duty item. */
export async function listServices(db: Kysely<DB>): Promise<Open311Service[]> {
  return (await listPublicDutyItems(db)).map(toService);
}

/** GET services/{code}: the definition of one service (no extra attributes), or 404. */
export async function getServiceDefinition(db: Kysely<DB>, code: string) {
  const item = await findPublicItem(db, code);
  return { service_code: item.code, attributes: [] as never[] };
}

/** Service discovery; `changeset` moves whenever the list of services changes. */
export async function describeDiscovery(deps: AppDeps, endpointUrl: string) {
  const items = await listPublicDutyItems(deps.db);
  const changeset = items.reduce(
    (latest, i) => (i.created_at > latest ? i.created_at : latest),
    '2026-01-01T00:00:00.000Z',
  );
  return {
    changeset,
    contact: '田字格（Tianzige）基层治理平台：请联系本平台的部署单位',
    key_service: 'api_key 由平台系统管理员开设：以持有“受理诉求”权限的账号登录控制台，在“API 密钥”页创建',
    endpoints: [
      {
        specification: SPECIFICATION,
        url: endpointUrl,
        changeset,
        type: deps.config.isDemo ? 'test' : 'production',
        formats: ['text/xml', 'application/json'],
      },
    ],
  };
}

/**
 * A client's idempotency key is turned into the request's token: the same key from the same
 * account always names the same case, and two accounts never share one. Without a key the token
 * is random.
 */
function tokenFor(actor: Actor, idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return crypto.randomBytes(16).toString('hex');
  return crypto.createHash('sha256').update(`${actor.userId}\n${idempotencyKey}`).digest('hex').slice(0, 32);
}

const externalRefOf = (token: string) => `open311:${token}`;

/** Given name and family name as one contact name, family name first when either is Chinese. */
function contactNameOf(first: string | undefined, last: string | undefined): string | undefined {
  const parts = [first, last].filter((p): p is string => p !== undefined && p !== '');
  if (parts.length === 0) return undefined;
  const isChinese = parts.some((p) => /[\u4e00-\u9fff]/.test(p));
  return isChinese ? [last, first].filter((p) => p !== undefined).join('') : parts.join(' ');
}

function contactPhoneOf(phone: string | undefined): string | undefined {
  if (phone === undefined) return undefined;
  const normalized = normalizePhone(phone).replace(/^0086/, '');
  if (!PHONE_PATTERN.test(normalized)) {
    throw invalidField('phone', 'invalid_phone', {
      zh: 'phone 应为 11 位手机号或带区号的固定电话',
      en: 'phone must be a mainland mobile (11 digits) or a landline with its area code',
    });
  }
  return normalized;
}

/**
 * POST requests: takes in one case through the cases module's intake (channel `open311`), as the
 * API key's account, within its case.intake scope. The place is the point, or the community or
 * grid named by its division code in address_id; an address alone cannot be placed. Open duplicates
 * nearby do not stop it (a machine client cannot choose among them; staff merge). media_url is kept
 * as a line of the description; email, device_id and account_id are not kept.
 */
export async function submitRequest(
  deps: AppDeps,
  actor: Actor,
  params: RequestCreateParams,
  idempotencyKey: string | undefined,
) {
  if (!hasPermission(actor, 'case.intake')) {
    throw new AppError('FORBIDDEN', {
      zh: '该 api_key 所属账号无权受理诉求（需要“受理诉求”权限）',
      en: "The api_key's account may not submit requests (it needs the case.intake permission)",
    });
  }
  const item = await findPublicItem(deps.db, params.service_code);
  const hasPoint = params.lat !== undefined && params.long !== undefined;
  if (!hasPoint && params.address_id === undefined) {
    throw invalidField(params.address_string !== undefined ? 'address_string' : 'lat', 'place_required', {
      zh: '无法仅凭地址定位：请提供 lat 和 long，或以 address_id 提供社区（12 位）或网格（15 位）代码',
      en: 'An address alone cannot be placed: send lat and long, or address_id (a 12-digit community or 15-digit grid code)',
    });
  }
  const contactName = contactNameOf(params.first_name, params.last_name);
  const contactPhone = contactPhoneOf(params.phone);
  const text = params.description ?? item.name;
  const token = tokenFor(actor, idempotencyKey);
  const outcome = await submitCase(
    deps,
    {
      channel: 'open311',
      dutyCode: item.code,
      description: params.media_url === undefined ? text : `${text}\n${MEDIA_LINE_PREFIX}${params.media_url}`,
      priority: 'normal',
      ...(hasPoint ? { lng: params.long, lat: params.lat } : { orgCode: params.address_id }),
      address: params.address_string,
      contactName,
      contactPhone,
      // nobody asked to be hidden: staff see the API key's account as the one who entered it
      isAnonymous: false,
      externalRef: externalRefOf(token),
      photos: [],
      force: true,
    },
    { actor, permission: 'case.intake' },
  );
  if (outcome.kind === 'duplicates') {
    throw new AppError('INTERNAL', { zh: '服务器内部错误', en: 'Intake offered duplicates to a forced submission' });
  }
  const notice =
    outcome.kind === 'created' && outcome.written.handlerName !== undefined
      ? writtenReceiptNotice(outcome.written.handlerName, outcome.written.row)
      : await receiptNotice(deps.db, outcome.number);
  // account_id "may not be returned": submitters have no account here, and the swagger types it as a string
  return {
    isNew: outcome.kind === 'created',
    receipt: {
      service_request_id: outcome.number,
      token,
      ...(notice === null ? {} : { service_notice: notice }),
    },
  };
}

/** GET tokens/{token}: the request a token stands for, or 404. */
export async function resolveToken(db: Kysely<DB>, token: string) {
  const row = /^[0-9a-f]{32}$/.test(token)
    ? await db.selectFrom('cases').select('number').where('external_ref', '=', externalRefOf(token)).executeTakeFirst()
    : undefined;
  if (row === undefined) throw notFound({ zh: `令牌 ${token.slice(0, 40)}`, en: `Token ${token.slice(0, 40)}` });
  return { service_request_id: row.number, token };
}
