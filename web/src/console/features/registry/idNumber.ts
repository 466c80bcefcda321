import { shanghaiDay } from '../../../shared/figures';
import type { Gender } from '../../../api/types';
import type { MessageKey } from '../../app/messages';

// Citizen ID numbers (公民身份号码) per GB 11643-1999, checked as the user types. The server checks
// again (server/src/modules/registry/id-number.ts); this copy only saves a round trip.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The ISO 7064 MOD 11-2 check character for the first 17 digits. */
export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK[sum % 11] ?? '';
}

const PROVINCES = new Set(
  '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83'.split(' '),
);

export type IdNumberProblem = 'format' | 'region' | 'birth_date' | 'future_birth_date' | 'check_character';

export const ID_PROBLEM_MESSAGE: Record<IdNumberProblem, MessageKey> = {
  format: 'resident.id.format',
  region: 'resident.id.region',
  birth_date: 'resident.id.birthDate',
  future_birth_date: 'resident.id.futureBirthDate',
  check_character: 'resident.id.checkCharacter',
};

export interface IdNumberFacts {
  normalized: string;
  birthDate: string;
  gender: Gender;
}

/** Today in Asia/Shanghai as YYYY-MM-DD (app/figures.ts). */
const shanghaiToday = (now: Date): string => shanghaiDay(now);

/** Normalizes and validates an ID number; returns the birth date and gender it carries, or the first problem. */
export function parseIdNumber(
  input: string,
  now: Date = new Date(),
): { ok: true; facts: IdNumberFacts } | { ok: false; problem: IdNumberProblem } {
  const id = input.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return { ok: false, problem: 'format' };
  if (!PROVINCES.has(id.slice(0, 2))) return { ok: false, problem: 'region' };
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1890 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return { ok: false, problem: 'birth_date' };
  }
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (birthDate > shanghaiToday(now)) return { ok: false, problem: 'future_birth_date' };
  if (checkCharacter(id.slice(0, 17)) !== id[17]) return { ok: false, problem: 'check_character' };
  return { ok: true, facts: { normalized: id, birthDate, gender: Number(id[16]) % 2 === 1 ? 'male' : 'female' } };
}

/** Whole years from a birth date to today (Shanghai). */
export function ageOf(birthDate: string, now: Date = new Date()): number {
  const today = shanghaiToday(now);
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** Mainland mobile numbers (11 digits from 1) or landlines (0 + area code + number); spaces, dashes and +86 allowed. */
export function isValidPhone(input: string): boolean {
  const phone = input.replace(/[\s-]/g, '').replace(/^\+?86/, '');
  return /^(1[3-9]\d{9}|0\d{2,3}\d{7,8})$/.test(phone);
}
