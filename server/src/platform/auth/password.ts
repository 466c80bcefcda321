import crypto from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Message } from '../errors.ts';

// argon2id (algorithm 2) with OWASP's recommended minimum: 19 MiB, 2 passes, 1 lane.
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2);

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

const CLASSES = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/];

/** ≥ 8 characters drawing on at least 3 of 4 classes (lower, upper, digit, symbol); null when acceptable. */
export function findPasswordProblem(password: string): Message | null {
  if (password.length < 8) return { zh: '密码至少 8 位', en: 'Password must be at least 8 characters' };
  if (password.length > 128) return { zh: '密码不能超过 128 位', en: 'Password must be at most 128 characters' };
  const classes = CLASSES.filter((c) => c.test(password)).length;
  if (classes < 3) {
    return {
      zh: '密码须包含小写字母、大写字母、数字、符号中的至少 3 类',
      en: 'Password must mix at least 3 of: lowercase, uppercase, digits, symbols',
    };
  }
  return null;
}

/** A random password that satisfies the policy, for new accounts and resets. */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  for (;;) {
    const body = Array.from(crypto.randomBytes(12), (b) => alphabet[b % alphabet.length]).join('');
    const candidate = `${body.slice(0, 4)}-${body.slice(4, 8)}-${body.slice(8, 12)}`;
    if (findPasswordProblem(candidate) === null) return candidate;
  }
}

export const sha256 = (value: string): string => crypto.createHash('sha256').update(value).digest('hex');
export const randomToken = (bytes = 32): string => crypto.randomBytes(bytes).toString('base64url');
