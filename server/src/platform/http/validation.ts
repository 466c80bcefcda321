import type { z } from 'zod';
import { AppError, type FieldError } from '../errors.ts';

type Issue = z.core.$ZodIssue;

const LOCATION_ZH: Record<string, string> = { body: '请求体', query: '查询参数', params: '路径参数' };

function describeExpected(expected: string): { zh: string; en: string } {
  const zh: Record<string, string> = {
    string: '文本',
    number: '数字',
    int: '整数',
    boolean: '布尔值',
    object: '对象',
    array: '数组',
    null: '空值',
  };
  return { zh: zh[expected] ?? expected, en: expected };
}

/** One zod issue → one field error with zh-CN and en messages. */
export function issueToFieldError(issue: Issue, location: string): FieldError {
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : location;
  switch (issue.code) {
    case 'invalid_type': {
      const e = describeExpected(String(issue.expected));
      const isMissing = issue.input === undefined;
      return isMissing
        ? { code: 'required', field, message_zh: '必填项不能为空', message_en: 'This field is required' }
        : { code: 'invalid_type', field, message_zh: `类型不正确，应为${e.zh}`, message_en: `Expected ${e.en}` };
    }
    case 'too_small':
      return issue.origin === 'string'
        ? {
            code: 'too_short',
            field,
            message_zh: `长度不能少于 ${String(issue.minimum)} 个字符`,
            message_en: `Must be at least ${String(issue.minimum)} characters`,
          }
        : issue.origin === 'array'
          ? {
              code: 'too_few',
              field,
              message_zh: `至少需要 ${String(issue.minimum)} 项`,
              message_en: `Needs at least ${String(issue.minimum)} items`,
            }
          : {
              code: 'too_small',
              field,
              message_zh: `不能小于 ${String(issue.minimum)}`,
              message_en: `Must be at least ${String(issue.minimum)}`,
            };
    case 'too_big':
      return issue.origin === 'string'
        ? {
            code: 'too_long',
            field,
            message_zh: `长度不能超过 ${String(issue.maximum)} 个字符`,
            message_en: `Must be at most ${String(issue.maximum)} characters`,
          }
        : issue.origin === 'array'
          ? {
              code: 'too_many',
              field,
              message_zh: `最多 ${String(issue.maximum)} 项`,
              message_en: `At most ${String(issue.maximum)} items`,
            }
          : {
              code: 'too_big',
              field,
              message_zh: `不能大于 ${String(issue.maximum)}`,
              message_en: `Must be at most ${String(issue.maximum)}`,
            };
    case 'invalid_format':
      return {
        code: 'invalid_format',
        field,
        message_zh: '格式不正确',
        message_en: `Invalid format (${issue.format})`,
      };
    case 'unrecognized_keys':
      return {
        code: 'unknown_field',
        field: [...issue.path.map(String), issue.keys.join(',')].join('.') || location,
        message_zh: `不允许的字段：${issue.keys.join('、')}`,
        message_en: `Unknown field(s): ${issue.keys.join(', ')}`,
      };
    case 'invalid_value':
      return {
        code: 'invalid_value',
        field,
        message_zh: `取值不在允许范围内（${issue.values.map(String).join('、')}）`,
        message_en: `Must be one of: ${issue.values.map(String).join(', ')}`,
      };
    case 'custom': {
      const params = (issue.params ?? {}) as { zh?: string; code?: string };
      return { code: params.code ?? 'invalid', field, message_zh: params.zh ?? '取值无效', message_en: issue.message };
    }
    default:
      return { code: issue.code, field, message_zh: '取值无效', message_en: issue.message };
  }
}

/** Parses one part of a request, or throws a 400 listing every problem. */
export function parsePart<T>(schema: z.ZodType<T>, value: unknown, location: 'body' | 'query' | 'params'): T {
  // without reportInput zod 4 leaves `input` out of its issues, and every wrong type would read as "required"
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) {
    const nulAt = findNulCharacter(result.data, []);
    if (nulAt === null) return result.data;
    throw new AppError('VALIDATION', { zh: `${LOCATION_ZH[location] ?? location}有误`, en: `Invalid ${location}` }, [
      {
        code: 'invalid_character',
        field: nulAt.join('.') || location,
        message_zh: '不能包含空字符（U+0000）',
        message_en: 'Must not contain the NUL character (U+0000)',
      },
    ]);
  }
  const errors = result.error.issues.map((i) => issueToFieldError(i, location));
  throw new AppError(
    'VALIDATION',
    { zh: `${LOCATION_ZH[location] ?? location}有误`, en: `Invalid ${location}` },
    errors,
  );
}

/** The path of the first string holding U+0000, which PostgreSQL cannot store in text; null when none does. */
function findNulCharacter(value: unknown, path: string[]): string[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    const found = findNulCharacter(item, [...path, key]);
    if (found !== null) return found;
  }
  return null;
}
