import crypto from 'node:crypto';
import fs from 'node:fs';
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

/** What is wrong with a password: a field error code and its message. */
export interface PasswordProblem extends Message {
  code: 'weak_password' | 'common_password';
}

let commonPasswords: Set<string> | undefined;

/** The shipped list (`common-passwords.txt`: its source and licence are in its header), read on first use. */
function loadCommonPasswords(): Set<string> {
  if (commonPasswords !== undefined) return commonPasswords;
  const text = fs.readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8');
  const set = new Set<string>();
  for (const line of text.split('\n')) {
    const entry = line.trim().toLowerCase();
    if (entry === '' || entry.startsWith('#')) continue;
    set.add(entry);
    // `password1` on the list also stands for `password`, so that `Password2026!` is refused too
    const base = stripTrailingDigitsAndSymbols(entry);
    if (base.length >= 4) set.add(base);
  }
  commonPasswords = set;
  return set;
}

const stripTrailingDigitsAndSymbols = (value: string): string => value.replace(/[^\p{L}]+$/u, '');

/**
 * True for a password on the list of common ones, compared case-insensitively, as it is or with its
 * trailing digits and symbols stripped (`Password1`, `Qwerty@2026`, `Admin@123`).
 */
export function isCommonPassword(password: string): boolean {
  const list = loadCommonPasswords();
  const lower = password.trim().toLowerCase();
  return list.has(lower) || list.has(stripTrailingDigitsAndSymbols(lower));
}

/**
 * ≥ 8 characters drawing on at least 3 of 4 classes (lower, upper, digit, symbol), and not a common
 * password; null when acceptable.
 */
export function findPasswordProblem(password: string): PasswordProblem | null {
  if (password.length < 8) {
    return { code: 'weak_password', zh: '密码至少 8 位', en: 'Password must be at least 8 characters' };
  }
  if (password.length > 128) {
    return { code: 'weak_password', zh: '密码不能超过 128 位', en: 'Password must be at most 128 characters' };
  }
  const classes = CLASSES.filter((c) => c.test(password)).length;
  if (classes < 3) {
    return {
      code: 'weak_password',
      zh: '密码须包含小写字母、大写字母、数字、符号中的至少 3 类',
      en: 'Password must mix at least 3 of: lowercase, uppercase, digits, symbols',
    };
  }
  if (isCommonPassword(password)) {
    return {
      code: 'common_password',
      zh: '这是常见密码（或常见密码加数字、符号），很容易被猜中，请换一个',
      en: 'This is a common password (or a common one with digits or symbols added) and easy to guess; choose another',
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
