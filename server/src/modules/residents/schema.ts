import { z } from 'zod';
import { Me } from '../users/schema.ts';

export const SmsCodeBody = z.strictObject({ phone: z.string().max(32) });
export const SmsCodeSent = z.object({
  sentTo: z.string().describe('the number, masked'),
  expiresInSeconds: z.number().int(),
  resendAfterSeconds: z.number().int(),
});
export const SmsVerifyBody = z.strictObject({ phone: z.string().max(32), code: z.string().max(16) });
export const ResidentSignInResult = z.object({
  user: Me,
  csrfToken: z.string(),
  isNewAccount: z.boolean(),
});
export const SignInOptions = z.object({
  sms: z.boolean(),
  wechat: z.boolean().describe('WeChat sign-in is configured (offered only inside WeChat)'),
});
export const WechatStartQuery = z.object({
  next: z.string().max(200).optional().describe('where to go after sign-in: a path under /m/'),
});
export const WechatCallbackQuery = z.object({
  code: z.string().max(512).optional(),
  state: z.string().max(256).optional(),
});

export const BindingState = z.object({
  id: z.string(),
  status: z.enum(['pending', 'bound', 'rejected', 'ended']),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  note: z.string().nullable(),
});
export const MyAccount = z.object({
  displayName: z.string(),
  phone: z.string().nullable(),
  hasWechat: z.boolean(),
  isBound: z.boolean(),
  binding: BindingState.nullable(),
  bindAttemptsLeft: z.number().int(),
});
export const BindBody = z.strictObject({
  name: z.string().trim().min(1).max(40),
  idNumber: z.string().trim().max(30),
});
export const MyHousehold = z.object({
  address: z.string(),
  unitName: z.string(),
  communityName: z.string(),
  communityFullName: z.string(),
  members: z.array(
    z.object({
      name: z.string(),
      relation: z.string(),
      gender: z.enum(['male', 'female']),
      birthYear: z.number().int(),
      age: z.number().int(),
      idNumber: z.string().nullable().describe('masked'),
      phone: z.string().nullable().describe('masked'),
      isSelf: z.boolean(),
    }),
  ),
});

export const BindingIdParams = z.strictObject({ id: z.uuid() });
export const BindingListQuery = z.strictObject({
  status: z.enum(['pending', 'bound', 'rejected', 'ended']).default('pending'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const BindingItem = z.object({
  id: z.string(),
  status: z.enum(['pending', 'bound', 'rejected', 'ended']),
  match: z.enum(['exact', 'phone_differs', 'phone_absent']),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  decidedByName: z.string().nullable(),
  accountName: z.string(),
  accountPhone: z.string().nullable().describe('masked'),
  residentId: z.string(),
  residentName: z.string(),
  registryPhone: z.string().nullable().describe('masked'),
  address: z.string(),
  orgName: z.string(),
});
export const BindingList = z.object({ items: z.array(BindingItem) });
export const BindingNoteBody = z.strictObject({ note: z.string().trim().max(200).optional() });
export const BindingDecision = z.object({ id: z.string(), status: z.enum(['pending', 'bound', 'rejected', 'ended']) });
