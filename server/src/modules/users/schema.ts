import { z } from 'zod';
import { ROLE_IDS } from '../../platform/access/roles.ts';

export const UserIdParams = z.strictObject({ id: z.uuid() });
export const AssignmentParams = z.strictObject({ id: z.uuid(), assignmentId: z.uuid() });

export const Username = z
  .string()
  .trim()
  .min(3)
  .max(32)
  .refine((v) => /^[a-zA-Z][a-zA-Z0-9_.-]*$/.test(v), {
    message: 'Letters, digits, _ . - only, starting with a letter',
    params: { zh: '只能包含字母、数字和 _ . -，且以字母开头', code: 'invalid_username' },
  });

const DisplayName = z.string().trim().min(1).max(40);
const Phone = z.string().trim().max(20);

export const AssignmentOut = z.object({
  id: z.string(),
  role: z.enum(ROLE_IDS),
  roleName_zh: z.string(),
  roleName_en: z.string(),
  orgId: z.string(),
  orgName: z.string(),
});

export const UserOut = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  phone: z.string().nullable().describe('masked'),
  homeOrgId: z.string(),
  homeOrgName: z.string(),
  isDisabled: z.boolean(),
  isLocked: z.boolean(),
  mustChangePassword: z.boolean(),
  createdAt: z.string(),
  assignments: z.array(AssignmentOut),
  canManage: z
    .boolean()
    .describe(
      'the caller may edit, reset, disable her and change her roles: she could grant every role the user holds',
    ),
});
export type UserOut = z.infer<typeof UserOut>;

export const RoleGrant = z.strictObject({ role: z.enum(ROLE_IDS), orgId: z.uuid() });

export const UserCreateBody = z.strictObject({
  username: Username,
  displayName: DisplayName,
  phone: Phone.optional(),
  password: z.string().max(128).optional(),
  homeOrgId: z.uuid(),
  roles: z.array(RoleGrant).max(20).default([]),
});
export type UserCreateBody = z.infer<typeof UserCreateBody>;

export const UserUpdateBody = z.strictObject({
  displayName: DisplayName.optional(),
  phone: Phone.nullable().optional(),
  isDisabled: z.boolean().optional(),
});
export type UserUpdateBody = z.infer<typeof UserUpdateBody>;

export const UserListQuery = z.strictObject({
  q: z.string().trim().max(50).optional(),
  orgId: z.uuid().optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

export const UserList = z.object({ items: z.array(UserOut), total: z.number().int() });
export const UserCreated = z.object({ user: UserOut, initialPassword: z.string().nullable() });
export const PasswordReset = z.object({ initialPassword: z.string() });
export const RevealBody = z.strictObject({ reason: z.string().trim().min(2).max(200) });
export const RevealedPhone = z.object({ phone: z.string().nullable() });

export const RoleList = z.object({
  items: z.array(
    z.object({ id: z.enum(ROLE_IDS), name_zh: z.string(), name_en: z.string(), permissions: z.array(z.string()) }),
  ),
});

export const Me = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  phone: z.string().nullable(),
  mustChangePassword: z.boolean(),
  permissions: z.array(z.string()),
  assignments: z.array(AssignmentOut),
});

export const LoginBody = z.strictObject({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export const LoginResult = z.object({ user: Me, csrfToken: z.string() });
export const MeResult = z.object({ user: Me });
export const PasswordChangeBody = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().max(256),
});

export const ApiKeyOut = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export const ApiKeyList = z.object({ items: z.array(ApiKeyOut) });
export const ApiKeyCreateBody = z.strictObject({ name: z.string().trim().min(1).max(60) });
export const ApiKeyCreated = z.object({ id: z.string(), name: z.string(), prefix: z.string(), key: z.string() });
export const ApiKeyParams = z.strictObject({ id: z.uuid() });
