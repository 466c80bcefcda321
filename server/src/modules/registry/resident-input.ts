import { pinyin } from 'pinyin-pro';
import type { FieldError, Message } from '../../platform/errors.ts';
import { PHONE_PATTERN, type PiiCipher, normalizePhone } from '../../platform/pii/crypto.ts';
import { ID_NUMBER_MESSAGES, parseIdNumber, shanghaiDate } from './id-number.ts';
import type { Gender, ResidenceType, ResidentStatus } from './tables.ts';

/** Lower-case pinyin initials of a name (张三 → zs), surnames read as surnames (曾 → z). */
export function nameInitials(name: string): string {
  const cached = initialsCache.get(name);
  if (cached !== undefined) return cached;
  const initials = pinyin(name, { pattern: 'first', toneType: 'none', surname: 'head', type: 'array' })
    .join('')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  // Names repeat a lot in a ledger (王伟, 张敏…); a bounded cache spares the segmenter.
  if (initialsCache.size > 200_000) initialsCache.clear();
  initialsCache.set(name, initials);
  return initials;
}

const initialsCache = new Map<string, string>();

export interface ResidentFacts {
  name: string;
  idNumber?: string | null | undefined;
  noIdReason?: string | null | undefined;
  gender?: Gender | undefined;
  birthDate?: string | undefined;
  phone?: string | null | undefined;
}

/** The stored form of a resident's identity: encrypted numbers, blind indexes, derived facts. */
export interface ResidentIdentity {
  name: string;
  name_initials: string;
  id_number_enc: string | null;
  id_number_bidx: string | null;
  no_id_reason: string | null;
  gender: Gender;
  birth_date: string;
  phone_enc: string | null;
  phone_bidx: string | null;
}

const err = (field: string, code: string, m: Message): FieldError => ({
  code,
  field,
  message_zh: m.zh,
  message_en: m.en,
});

/**
 * The blind indexes an exact look-up of an ID number as typed matches (one per valid key: two during a key
 * rotation), or null if it is not a valid one.
 */
export function idNumberIndexes(pii: PiiCipher, input: string, now: Date): string[] | null {
  const parsed = parseIdNumber(input, now);
  return parsed.ok ? pii.blindIndexes('id_number', parsed.facts.normalized) : null;
}

export function phoneIndexes(pii: PiiCipher, input: string): string[] | null {
  const phone = normalizePhone(input);
  return PHONE_PATTERN.test(phone) ? pii.blindIndexes('phone', phone) : null;
}

/**
 * Validates a resident's identifying facts: an ID number valid per GB 11643 (birth date and gender come
 * from it and must agree with any given), or an explicit reason for having none plus gender and birth
 * date; a mobile or landline phone. Returns every problem, each naming its field.
 */
export function checkResidentIdentity(
  pii: PiiCipher,
  facts: ResidentFacts,
  now: Date,
  options: { isEncrypting: boolean } = { isEncrypting: true },
): { ok: true; value: ResidentIdentity } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  let gender = facts.gender;
  let birthDate = facts.birthDate;
  let idEnc: string | null = null;
  let idIndex: string | null = null;
  const hasId = facts.idNumber !== undefined && facts.idNumber !== null && facts.idNumber.trim() !== '';
  if (hasId) {
    const parsed = parseIdNumber(facts.idNumber!, now);
    if (!parsed.ok) errors.push(err('idNumber', `id_${parsed.problem}`, ID_NUMBER_MESSAGES[parsed.problem]));
    else {
      const f = parsed.facts;
      if (birthDate !== undefined && birthDate !== f.birthDate) {
        errors.push(
          err('birthDate', 'birth_date_mismatch', {
            zh: '出生日期与身份证号不一致',
            en: 'Birth date does not match the ID number',
          }),
        );
      }
      if (gender !== undefined && gender !== f.gender) {
        errors.push(
          err('gender', 'gender_mismatch', { zh: '性别与身份证号不一致', en: 'Gender does not match the ID number' }),
        );
      }
      gender = f.gender;
      birthDate = f.birthDate;
      idEnc = options.isEncrypting ? pii.encrypt(f.normalized) : null;
      idIndex = pii.blindIndex('id_number', f.normalized);
    }
  } else {
    if (facts.noIdReason === undefined || facts.noIdReason === null || facts.noIdReason.trim() === '') {
      errors.push(
        err('idNumber', 'id_required', {
          zh: '请填写身份证号，或说明无证原因（如新生儿、外籍）',
          en: 'Give an ID number, or the reason there is none (newborn, foreigner…)',
        }),
      );
    }
    if (gender === undefined)
      errors.push(
        err('gender', 'required', { zh: '无身份证号时须填写性别', en: 'Gender is required without an ID number' }),
      );
    if (birthDate === undefined)
      errors.push(
        err('birthDate', 'required', {
          zh: '无身份证号时须填写出生日期',
          en: 'Birth date is required without an ID number',
        }),
      );
  }
  // A birth date read from a valid ID number is already known to be real and past.
  if (birthDate !== undefined && idIndex === null && !isRealPastDate(birthDate, now)) {
    errors.push(
      err('birthDate', 'invalid_date', {
        zh: '出生日期无效或晚于今天',
        en: 'Birth date is not a real date or is in the future',
      }),
    );
  }
  let phoneEnc: string | null = null;
  let phoneIdx: string | null = null;
  if (facts.phone !== undefined && facts.phone !== null && facts.phone.trim() !== '') {
    const phone = normalizePhone(facts.phone);
    if (!PHONE_PATTERN.test(phone)) {
      errors.push(
        err('phone', 'invalid_phone', {
          zh: '电话号码格式不正确（11 位手机号或带区号的固定电话）',
          en: 'Invalid phone number (11-digit mobile or landline with area code)',
        }),
      );
    } else {
      phoneEnc = options.isEncrypting ? pii.encrypt(phone) : null;
      phoneIdx = options.isEncrypting ? pii.blindIndex('phone', phone) : null;
    }
  }
  const name = facts.name.trim();
  if (name === '' || name.length > 40)
    errors.push(err('name', 'invalid_name', { zh: '姓名须为 1 到 40 个字符', en: 'Name must be 1–40 characters' }));
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      name,
      name_initials: options.isEncrypting ? nameInitials(name) : '',
      id_number_enc: idEnc,
      id_number_bidx: idIndex,
      no_id_reason: hasId ? null : (facts.noIdReason ?? null),
      gender: gender!,
      birth_date: birthDate!,
      phone_enc: phoneEnc,
      phone_bidx: phoneIdx,
    },
  };
}

function isRealPastDate(value: string, now: Date): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 1890 && date.getUTCMonth() === m - 1 && date.getUTCDate() === d && value <= shanghaiDate(now);
}

export type { ResidenceType, ResidentStatus };
