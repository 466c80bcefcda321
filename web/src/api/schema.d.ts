/**
 * PROVISIONAL: written by hand from the API contract in the issue, in the shape openapi-typescript
 * produces, until the server can write src/api/openapi.json. `npm run gen:api` overwrites this file.
 */

type Json<T> = { headers: { [name: string]: unknown }; content: { 'application/json': T } };
type NoContent = { headers: { [name: string]: unknown }; content?: never };
type Err = Json<components['schemas']['Error']>;
type Params<P, Q> = { query?: Q; header?: never; cookie?: never } & ([P] extends [never] ? { path?: never } : { path: P });
type Op<P, Q, B, R, S extends number = 200> = {
  parameters: Params<P, Q>;
  requestBody: [B] extends [never] ? never : { content: { 'application/json': B } };
  responses: { [K in S]: R extends null ? NoContent : Json<R> } & { '4XX': Err };
};
type Get<P, Q, R> = {
  parameters: Params<P, Q>;
  requestBody?: never;
  responses: { 200: Json<R>; '4XX': Err };
};
type Path<M> = {
  parameters: { query?: never; header?: never; path?: never; cookie?: never };
  get?: never;
  put?: never;
  post?: never;
  delete?: never;
  options?: never;
  head?: never;
  patch?: never;
  trace?: never;
} & M;

type Level = 'nation' | 'province' | 'city' | 'county' | 'street' | 'community' | 'grid' | 'compound' | 'group';
type Assignment = { id: string; role: string; roleName_zh: string; roleName_en: string; orgId: string; orgName: string };
type Me = {
  id: string;
  username: string;
  displayName: string;
  phone: string | null;
  mustChangePassword: boolean;
  permissions: string[];
  assignments: Assignment[];
};
type OrgUnit = {
  id: string;
  parentId: string | null;
  level: Level;
  name: string;
  fullName: string;
  code: string | null;
  hasChildren: boolean;
  hasGeometry: boolean;
};
type Polygon = { type: 'Polygon'; coordinates: number[][][] };
type Feature = {
  type: 'Feature';
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown[] };
  properties: { id: string; name: string; level: Level; code: string | null };
};
type User = {
  id: string;
  username: string;
  displayName: string;
  phone: string | null;
  homeOrgId: string;
  homeOrgName: string;
  isDisabled: boolean;
  isLocked: boolean;
  mustChangePassword: boolean;
  createdAt: string;
  assignments: Assignment[];
};
type ApiKey = { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };
type AuditRecord = {
  id: string;
  at: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  orgId: string | null;
  orgName: string | null;
  ip: string | null;
  userAgent: string | null;
  detail: unknown;
};
type Items<T> = { items: T[] };
type Id = { id: string };

export interface paths {
  '/api/v1/auth/login': Path<{
    post: Op<never, never, { username: string; password: string }, { user: Me; csrfToken: string }>;
  }>;
  '/api/v1/auth/logout': Path<{ post: Op<never, never, never, null, 204> }>;
  '/api/v1/auth/me': Path<{ get: Get<never, never, { user: Me }> }>;
  '/api/v1/auth/password': Path<{
    post: Op<never, never, { currentPassword: string; newPassword: string }, null, 204>;
  }>;
  '/api/v1/meta': Path<{ get: Get<never, never, { version: string; tileUrl: string | null }> }>;
  '/api/v1/orgs': Path<{
    post: Op<
      never,
      never,
      { parentId: string; level: 'grid' | 'compound' | 'group'; name: string; geometry?: Polygon },
      OrgUnit,
      201
    >;
  }>;
  '/api/v1/orgs/roots': Path<{ get: Get<never, never, Items<OrgUnit>> }>;
  '/api/v1/orgs/search': Path<{ get: Get<never, { q?: string; level?: Level; limit?: number }, Items<OrgUnit>> }>;
  '/api/v1/orgs/by-code/{code}': Path<{ get: Get<{ code: string }, never, OrgUnit> }>;
  '/api/v1/orgs/{id}': Path<{
    get: Get<Id, never, OrgUnit>;
    patch: Op<Id, never, { name?: string; geometry?: Polygon }, OrgUnit>;
  }>;
  '/api/v1/orgs/{id}/children': Path<{ get: Get<Id, never, Items<OrgUnit>> }>;
  '/api/v1/orgs/{id}/ancestors': Path<{ get: Get<Id, never, Items<OrgUnit>> }>;
  '/api/v1/orgs/{id}/stats': Path<{
    get: Get<Id, never, { counts: { [level: string]: number }; users: number }>;
  }>;
  '/api/v1/orgs/{id}/map': Path<{ get: Get<Id, never, { type: 'FeatureCollection'; features: Feature[] }> }>;
  '/api/v1/users': Path<{
    get: Get<never, { q?: string; orgId?: string; page?: number; pageSize?: number }, { items: User[]; total: number }>;
    post: Op<
      never,
      never,
      {
        username: string;
        displayName: string;
        phone?: string;
        password?: string;
        homeOrgId: string;
        roles: { role: string; orgId: string }[];
      },
      { user: User; initialPassword: string | null },
      201
    >;
  }>;
  '/api/v1/users/{id}': Path<{
    get: Get<Id, never, User>;
    patch: Op<Id, never, { displayName?: string; phone?: string; isDisabled?: boolean }, User>;
  }>;
  '/api/v1/users/{id}/reset-password': Path<{ post: Op<Id, never, never, { initialPassword: string }> }>;
  '/api/v1/users/{id}/roles': Path<{ post: Op<Id, never, { role: string; orgId: string }, Assignment, 201> }>;
  '/api/v1/users/{id}/roles/{assignmentId}': Path<{
    delete: Op<{ id: string; assignmentId: string }, never, never, null, 204>;
  }>;
  '/api/v1/roles': Path<{
    get: Get<never, never, Items<{ id: string; name_zh: string; name_en: string; permissions: string[] }>>;
  }>;
  '/api/v1/apikeys': Path<{
    get: Get<never, never, Items<ApiKey>>;
    post: Op<never, never, { name: string }, { id: string; name: string; prefix: string; key: string }, 201>;
  }>;
  '/api/v1/apikeys/{id}': Path<{ delete: Op<Id, never, never, null, 204> }>;
  '/api/v1/audit': Path<{
    get: Get<
      never,
      {
        action?: string;
        actorId?: string;
        orgId?: string;
        from?: string;
        to?: string;
        page?: number;
        pageSize?: number;
      },
      { items: AuditRecord[]; total: number }
    >;
  }>;
}

export interface components {
  schemas: {
    Error: {
      statusCode: number;
      code: string;
      message_zh: string;
      message_en: string;
      errors?: { code: string; field: string; message_zh: string; message_en: string }[];
    };
  };
}
