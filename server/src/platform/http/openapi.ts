import { z } from 'zod';
import type { RouteDef } from './route.ts';

const ErrorBody = z.object({
  statusCode: z.number().int(),
  code: z.string(),
  message_zh: z.string(),
  message_en: z.string(),
  errors: z
    .array(z.object({ code: z.string(), field: z.string(), message_zh: z.string(), message_en: z.string() }))
    .optional(),
});

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  delete json.$schema;
  return json;
}

/** `/orgs/:id` → `/orgs/{id}` */
export const toOpenApiPath = (url: string): string => url.replace(/:([A-Za-z_]+)/g, '{$1}');

function parametersOf(schema: z.ZodType | undefined, location: 'query' | 'path'): unknown[] {
  if (schema === undefined) return [];
  const json = toJsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

/** The OpenAPI 3.1 document, generated from the route table's zod schemas. */
export function buildOpenApiDocument(routes: RouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = toOpenApiPath(route.url);
    const status = String(route.status ?? (route.response === null ? 204 : 200));
    const responses: Record<string, unknown> = {
      [status]:
        route.response === null
          ? { description: 'No content' }
          : { description: 'OK', content: { 'application/json': { schema: toJsonSchema(route.response, 'output') } } },
      '4XX': {
        description: 'Client error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    };
    const operation: Record<string, unknown> = {
      operationId: `${route.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: route.summary,
      tags: route.tags,
      parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
      responses,
      ...(route.auth === 'public' ? { security: [] } : {}),
      ...(route.auth !== 'public' && route.auth !== 'authenticated' ? { 'x-permission': route.auth } : {}),
    };
    if (route.body !== undefined) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: toJsonSchema(route.body, 'input') } },
      };
    }
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tianzige 田字格 API',
      version,
      description: '基层治理平台 API / Grassroots governance platform API',
    },
    servers: [{ url: '/' }],
    components: {
      schemas: { Error: toJsonSchema(ErrorBody, 'output') },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'tz_session' },
        apiKey: { type: 'http', scheme: 'bearer' },
      },
    },
    security: [{ session: [] }, { apiKey: [] }],
    paths,
  };
}
