import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { DB } from '../../db/types.ts';
import type { Permission } from '../access/roles.ts';
import { type Actor, type Reach, canReach } from '../access/scope.ts';
import { AppError, type Message, notFound } from '../errors.ts';
import type { IdRule, RouteDef, RouteScope } from './route.ts';

/**
 * A kind of scoped object a route can name by id: how to find where each object lies. `reachOf`
 * answers, for the ids it finds, the reaches that may see the object (see `Reach`); an id it does not
 * find is missing. One query for all ids of a request, however many an array holds.
 */
export interface ResourceKind {
  label: Message;
  reachOf(db: Kysely<DB>, ids: readonly string[]): Promise<Map<string, Reach[]>>;
}

export type ResourceRegistry = Readonly<Record<string, ResourceKind>>;

type Part = 'params' | 'query' | 'body';
const PARTS: readonly Part[] = ['params', 'query', 'body'];

/** `id`, `ids`, or a camelCase name ending in `Id`/`Ids`: a field that names an object. */
export const isIdLike = (name: string): boolean => /^ids?$|[a-z0-9]Ids?$/.test(name);

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'readonly', 'catch', 'prefault', 'nonoptional']);

/** Every field of a zod schema as a dotted path (arrays on the way add no segment). */
export function fieldPaths(schema: z.ZodType | undefined): string[] {
  const out: string[] = [];
  const walk = (s: unknown, prefix: string, depth: number) => {
    if (depth > 12) return;
    const def = (s as { _zod?: { def?: Record<string, unknown> } } | undefined)?._zod?.def;
    if (def === undefined) return;
    const type = def.type as string;
    if (WRAPPERS.has(type)) return walk(def.innerType, prefix, depth + 1);
    if (type === 'pipe') return walk(def.in, prefix, depth + 1);
    if (type === 'lazy') return walk((def.getter as () => unknown)(), prefix, depth + 1);
    if (type === 'array') return walk(def.element, prefix, depth + 1);
    if (type === 'union') for (const o of def.options as unknown[]) walk(o, prefix, depth + 1);
    if (type === 'intersection') {
      walk(def.left, prefix, depth + 1);
      walk(def.right, prefix, depth + 1);
    }
    if (type === 'object') {
      for (const [key, value] of Object.entries(def.shape as Record<string, unknown>)) {
        const path = prefix === '' ? key : `${prefix}.${key}`;
        out.push(path);
        walk(value, path, depth + 1);
      }
    }
  };
  walk(schema, '', 0);
  return [...new Set(out)];
}

/** The fields of each part of a route: its schemas', and the path parameters of its URL. */
export function routeFields(def: Pick<RouteDef, 'url' | 'params' | 'query' | 'body'>): Record<Part, string[]> {
  const urlParams = [...def.url.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!);
  return {
    params: [...new Set([...urlParams, ...fieldPaths(def.params)])],
    query: fieldPaths(def.query),
    body: fieldPaths(def.body),
  };
}

const isOptOut = (scope: RouteScope | undefined): scope is { none: string } =>
  typeof scope === 'object' && 'none' in scope;

const ruleOf = (scope: RouteScope | undefined, part: Part, field: string): IdRule | undefined =>
  scope === undefined || isOptOut(scope) ? undefined : scope[part]?.[field];

/**
 * What is wrong with a route's scope declaration, in words for the route's author; empty when it is
 * complete: every id-like field declared, every declared field real, every kind known, every opt-out
 * justified.
 */
export function findScopeProblems(def: RouteDef, kinds: ResourceRegistry): string[] {
  if (def.auth === 'public') return [];
  const key = `${def.method} ${def.url}`;
  const scope = def.scope;
  if (scope !== undefined && typeof scope !== 'object') return [`${key}: scope must be an object (see RouteScope)`];
  if (isOptOut(scope)) {
    return typeof scope.none === 'string' && scope.none.trim().length >= 10
      ? []
      : [`${key}: scope { none } needs a written reason (a sentence saying why its ids name no scoped object)`];
  }
  const problems: string[] = [];
  const fields = routeFields(def);
  for (const part of PARTS) {
    for (const field of fields[part]) {
      const name = field.slice(field.lastIndexOf('.') + 1);
      if (isIdLike(name) && ruleOf(scope, part, field) === undefined) {
        problems.push(
          `${key}: ${part} field "${field}" names an object but the route declares no scope for it; ` +
            `add scope: { ${part}: { ${field.includes('.') ? `'${field}'` : field}: '<resource kind>' } } ` +
            `(kinds: ${Object.keys(kinds).join(', ')}), or { none: '<why it is not scoped>' }`,
        );
      }
    }
    for (const [field, rule] of Object.entries(scope?.[part] ?? {})) {
      if (!fields[part].includes(field)) problems.push(`${key}: scope.${part}.${field} is not a ${part} field`);
      if (typeof rule === 'object' && 'none' in rule) {
        if (rule.none.trim().length < 10) problems.push(`${key}: scope.${part}.${field}: { none } needs a reason`);
      } else {
        const kind = typeof rule === 'string' ? rule : rule.kind;
        if (kinds[kind] === undefined) {
          problems.push(`${key}: scope.${part}.${field}: unknown resource kind "${kind}"; add it to src/resources.ts`);
        }
      }
    }
  }
  return problems;
}

/** True when the route names an object in its path: lacking the permission then answers 404, not 403. */
export function hasScopedParam(scope: RouteScope | undefined): boolean {
  if (scope === undefined || isOptOut(scope)) return false;
  return Object.values(scope.params ?? {}).some((rule) => typeof rule === 'string' || !('none' in rule));
}

/** The values under a dotted field, with the field named as the client sent it (`roles.0.orgId`). */
function valuesAt(value: unknown, path: string[], named: string): [string, string][] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => valuesAt(v, path, `${named}.${i}`));
  if (path.length === 0) return typeof value === 'string' ? [[named, value]] : [];
  if (typeof value !== 'object') return [];
  const [head, ...rest] = path;
  return valuesAt((value as Record<string, unknown>)[head!], rest, named === '' ? head! : `${named}.${head}`);
}

/**
 * Finds every object a request names by a declared id and answers 404 when one is missing or outside
 * the actor's scope for the route's permission (or the one the rule gives); a body or query id names
 * its field. Runs after validation, before the handler.
 */
export async function enforceRouteScope(
  db: Kysely<DB>,
  kinds: ResourceRegistry,
  def: RouteDef,
  actor: Actor,
  parts: Record<Part, unknown>,
): Promise<void> {
  const scope = def.scope;
  if (scope === undefined || isOptOut(scope)) return;
  const routePermission = def.auth === 'public' || def.auth === 'authenticated' ? undefined : def.auth;
  const wanted: { part: Part; field: string; id: string; kind: string; permission: Permission | undefined }[] = [];
  for (const part of PARTS) {
    for (const [field, rule] of Object.entries(scope[part] ?? {})) {
      if (typeof rule === 'object' && 'none' in rule) continue;
      const kind = typeof rule === 'string' ? rule : rule.kind;
      const permission = typeof rule === 'string' ? routePermission : rule.permission;
      for (const [named, id] of valuesAt(parts[part], field.split('.'), '')) {
        wanted.push({ part, field: named, id, kind, permission });
      }
    }
  }
  if (wanted.length === 0) return;
  const byKind = new Map<string, Set<string>>();
  for (const w of wanted) byKind.set(w.kind, (byKind.get(w.kind) ?? new Set()).add(w.id));
  const reaches = new Map<string, Map<string, Reach[]>>();
  await Promise.all(
    [...byKind].map(async ([kind, ids]) => reaches.set(kind, await kinds[kind]!.reachOf(db, [...ids]))),
  );
  for (const w of wanted) {
    const found = reaches.get(w.kind)!.get(w.id);
    if (found !== undefined && found.some((reach) => canReach(actor, w.permission, reach))) continue;
    const label = kinds[w.kind]!.label;
    if (w.part === 'params') throw notFound(label);
    const message = { zh: `${label.zh}不存在或不在您的管辖范围内`, en: `${label.en} not found` };
    throw new AppError('NOT_FOUND', message, [
      { code: 'not_found', field: w.field, message_zh: message.zh, message_en: message.en },
    ]);
  }
}
