import formbody from '@fastify/formbody';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/access/scope.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { parsePart } from '../../platform/http/validation.ts';
import { actorAfterPasswordChange, authenticateRequest } from '../users/auth.ts';
import { getPublicRequest, listPublicRequests, listPublicUpdates } from './requests.ts';
import { FORMATS, type Format, RequestCreateParams, RequestListQuery, UpdateListQuery } from './schema.ts';
import { describeDiscovery, getServiceDefinition, listServices, resolveToken, submitRequest } from './service.ts';
import { renderXml } from './xml.ts';

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2/. A plugin of its own
 * rather than routes in the API table: the spec fixes its own URLs (`services.json`), form-encoded
 * bodies, XML beside JSON, an `api_key` parameter and its own error body, none of which the
 * platform's route table speaks. Reading needs no key; POST requests needs an API key whose
 * account holds case.intake, checked here.
 */

interface OpenError {
  code: number;
  description: string;
}

const isEnglish = (request: FastifyRequest) => /^en\b/i.test(request.headers['accept-language'] ?? '');

/** The format a URL asks for; XML, the spec's required format, when it names none. */
function formatOfUrl(url: string): Format {
  return /\.json(\?|$)/.test(url) ? 'json' : 'xml';
}

function send(reply: FastifyReply, format: Format, xmlRoot: string, body: unknown) {
  if (format === 'json') return reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
  return reply.type('text/xml; charset=utf-8').send(renderXml(xmlRoot, body));
}

function sendErrors(request: FastifyRequest, reply: FastifyReply, status: number, errors: OpenError[]) {
  return send(reply.code(status), formatOfUrl(request.url), 'errors', errors);
}

// field names of the cases module's intake, as Open311 calls them
const PARAM_NAMES: Record<string, string> = {
  lng: 'long',
  lat: 'lat',
  orgCode: 'address_id',
  dutyCode: 'service_code',
  contactPhone: 'phone',
};

const FRAMEWORK_MESSAGES: Record<number, { zh: string; en: string }> = {
  404: { zh: '没有这个资源', en: 'No such resource' },
  413: { zh: '请求体过大', en: 'Request body is too large' },
  429: { zh: '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' },
};

/**
 * Errors as the spec has them: 404 for what does not exist, 403 for a missing or wrong api_key,
 * 400 for the rest; one entry per problem. A 5xx is logged and says nothing more.
 */
function handleOpen311Error(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const en = isEnglish(request);
  if (error instanceof AppError) {
    if (error.status >= 500) return handleUnexpected(error, request, reply);
    const status = error.status === 401 ? 403 : [403, 404, 413, 429].includes(error.status) ? error.status : 400;
    const errors =
      error.errors.length > 0
        ? error.errors.map((e) => ({
            code: status,
            description: `${PARAM_NAMES[e.field] ?? e.field}: ${en ? e.message_en : e.message_zh}`,
          }))
        : [{ code: status, description: en ? error.messages.en : error.messages.zh }];
    return sendErrors(request, reply, status, errors);
  }
  const e = error as FastifyError;
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) {
    const status = [404, 413, 429].includes(e.statusCode) ? e.statusCode : 400;
    const message = FRAMEWORK_MESSAGES[status] ?? { zh: '请求格式有误', en: `Malformed request: ${e.message}` };
    return sendErrors(request, reply, status, [{ code: status, description: en ? message.en : message.zh }]);
  }
  return handleUnexpected(error, request, reply);
}

function handleUnexpected(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  request.log.error({ err: error, url: request.routeOptions.url, method: request.method }, 'unhandled error');
  return sendErrors(request, reply, 500, [
    {
      code: 500,
      description: isEnglish(request) ? 'Internal server error; it has been logged' : '服务器内部错误，已记录',
    },
  ]);
}

const noSuchResource = () =>
  new AppError('NOT_FOUND', {
    zh: '没有这个资源（格式须为 .json 或 .xml）',
    en: 'No such resource (use .json or .xml)',
  });

function parseFormat(format: string): Format {
  if (!(FORMATS as readonly string[]).includes(format)) throw noSuchResource();
  return format as Format;
}

/** `HJ-001.json` → the id and the format; the id may itself hold dots. */
function splitResource(file: string): { id: string; format: Format } {
  const dot = file.lastIndexOf('.');
  if (dot <= 0) throw noSuchResource();
  return { id: file.slice(0, dot), format: parseFormat(file.slice(dot + 1)) };
}

/**
 * Query and form (or JSON) parameters as one set of strings; empty ones count as absent, as the
 * spec's "optional arguments" say. The body wins over the query.
 */
function collectParams(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of [request.query, request.body]) {
    if (source === null || typeof source !== 'object' || Array.isArray(source)) continue;
    for (const [key, raw] of Object.entries(source as Record<string, unknown>)) {
      const value = Array.isArray(raw) ? (raw as unknown[])[raw.length - 1] : raw;
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
      const text = String(value).trim();
      if (text !== '') out[key] = text;
    }
  }
  return out;
}

/** The caller of POST requests: the `api_key` parameter, or an API key in the Authorization header. */
async function authenticateClient(deps: AppDeps, request: FastifyRequest, apiKey: string | undefined): Promise<Actor> {
  if (apiKey !== undefined) {
    // The platform reads API keys from the Authorization header (cache, revocation, last use);
    // Open311 clients send theirs as a parameter, so it is handed over there.
    request.headers.authorization = `Bearer ${apiKey}`;
    const auth = await authenticateRequest(deps, request);
    if (auth === null) {
      throw new AppError('FORBIDDEN', { zh: 'api_key 无效或已吊销', en: 'Invalid or revoked api_key' });
    }
    return actorAfterPasswordChange(auth);
  }
  // never a console session: its cookie would let any web page post in a signed-in user's name
  if (request.auth !== null && request.auth.actor.via === 'apikey') return actorAfterPasswordChange(request.auth);
  throw new AppError('FORBIDDEN', { zh: '缺少 api_key', en: 'api_key is missing' });
}

const PUBLIC_READ_LIMIT = { rateLimit: { max: 300, timeWindow: '1 minute' } };

/** The GeoReport v2 endpoint; registered under the prefix `/open311/v2`. */
export function open311Plugin(deps: AppDeps): FastifyPluginAsync {
  return async (app) => {
    await app.register(formbody, { bodyLimit: 64 * 1024 });
    app.setErrorHandler(handleOpen311Error);
    app.setNotFoundHandler((request, reply) =>
      sendErrors(request, reply, 404, [
        { code: 404, description: isEnglish(request) ? 'No such resource' : '没有这个资源' },
      ]),
    );

    app.get<{ Params: { format: string } }>('/discovery.:format', async (request, reply) => {
      const format = parseFormat(request.params.format);
      const url = `${request.protocol}://${request.host}/open311/v2`;
      return send(reply, format, 'discovery', await describeDiscovery(deps, url));
    });

    app.get<{ Params: { format: string } }>('/services.:format', async (request, reply) => {
      const format = parseFormat(request.params.format);
      return send(reply, format, 'services', await listServices(deps.db));
    });

    app.get<{ Params: { file: string } }>('/services/:file', async (request, reply) => {
      const { id, format } = splitResource(request.params.file);
      return send(reply, format, 'service_definition', await getServiceDefinition(deps.db, id));
    });

    app.post<{ Params: { format: string } }>('/requests.:format', { bodyLimit: 64 * 1024 }, async (request, reply) => {
      const format = parseFormat(request.params.format);
      const params = collectParams(request);
      const actor = await authenticateClient(deps, request, params.api_key);
      const input = parsePart(RequestCreateParams, params, 'body');
      const key = request.headers['idempotency-key'];
      const idempotencyKey = typeof key === 'string' && key.trim() !== '' ? key.trim().slice(0, 200) : undefined;
      const { receipt } = await submitRequest(deps, actor, input, idempotencyKey);
      return send(reply, format, 'service_requests', [receipt]);
    });

    app.get<{ Params: { format: string } }>(
      '/requests.:format',
      { config: PUBLIC_READ_LIMIT },
      async (request, reply) => {
        const format = parseFormat(request.params.format);
        const query = parsePart(RequestListQuery, collectParams(request), 'query');
        return send(reply, format, 'service_requests', await listPublicRequests(deps, query));
      },
    );

    app.get<{ Params: { file: string } }>('/requests/:file', { config: PUBLIC_READ_LIMIT }, async (request, reply) => {
      const { id, format } = splitResource(request.params.file);
      return send(reply, format, 'service_requests', [await getPublicRequest(deps, id)]);
    });

    app.get<{ Params: { file: string } }>('/tokens/:file', { config: PUBLIC_READ_LIMIT }, async (request, reply) => {
      const { id, format } = splitResource(request.params.file);
      return send(reply, format, 'service_requests', [await resolveToken(deps.db, id)]);
    });

    app.get<{ Params: { format: string } }>(
      '/servicerequestupdates.:format',
      { config: PUBLIC_READ_LIMIT },
      async (request, reply) => {
        const format = parseFormat(request.params.format);
        const query = parsePart(UpdateListQuery, collectParams(request), 'query');
        return send(reply, format, 'service_request_updates', await listPublicUpdates(deps, query));
      },
    );
  };
}
