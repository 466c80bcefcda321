/** Citizen ID numbers (公民身份号码) per GB 11643-1999: 6-digit region, 8-digit birth date, 3-digit sequence, check character. */

import { shanghaiDay } from '../../platform/calendar.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The ISO 7064 MOD 11-2 check character for the first 17 digits. */
export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

// Province-level prefixes in use (GB/T 2260), including 71 台湾, 81 香港, 82 澳门 and the 83 prefix of
// residence permits for Hong Kong, Macao and Taiwan residents.
const PROVINCES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
]);

export type IdNumberProblem = 'format' | 'region' | 'birth_date' | 'future_birth_date' | 'check_character';

export interface IdNumberFacts {
  /** upper-case X */
  normalized: string;
  birthDate: string;
  gender: 'male' | 'female';
}

/** Normalizes and validates; returns the facts it carries, or the first problem found. */
export function parseIdNumber(
  input: string,
  today: Date,
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
  if (birthDate > shanghaiDate(today)) return { ok: false, problem: 'future_birth_date' };
  if (checkCharacter(id.slice(0, 17)) !== id[17]) return { ok: false, problem: 'check_character' };
  return { ok: true, facts: { normalized: id, birthDate, gender: Number(id[16]) % 2 === 1 ? 'male' : 'female' } };
}

export const ID_NUMBER_MESSAGES: Record<IdNumberProblem, { zh: string; en: string }> = {
  format: { zh: '身份证号须为 18 位（最后一位可为 X）', en: 'An ID number has 18 characters (the last may be X)' },
  region: { zh: '身份证号的地区码不存在', en: 'The region code of the ID number does not exist' },
  birth_date: { zh: '身份证号中的出生日期无效', en: 'The birth date in the ID number is not a real date' },
  future_birth_date: { zh: '身份证号中的出生日期晚于今天', en: 'The birth date in the ID number is in the future' },
  check_character: { zh: '身份证号校验位不正确，请核对', en: 'The check character of the ID number is wrong' },
};

let lastDay: { at: number; day: string } = { at: NaN, day: '' };

/** Today's date in Asia/Shanghai as YYYY-MM-DD. */
export function shanghaiDate(now: Date): string {
  // Imports ask this once per row with the same instant; remember the last answer.
  const at = now.getTime();
  if (at !== lastDay.at) lastDay = { at, day: shanghaiDay(now) };
  return lastDay.day;
}

/** Whole years between a birth date and today (Shanghai). */
export function ageOn(birthDate: string, now: Date): number {
  const today = shanghaiDate(now);
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** The latest birth date of someone at least `age` years old today. */
export function bornOnOrBefore(age: number, now: Date): string {
  const today = shanghaiDate(now);
  return `${String(Number(today.slice(0, 4)) - age).padStart(4, '0')}${today.slice(4)}`;
}
