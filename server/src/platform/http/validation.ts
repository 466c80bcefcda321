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
  // text no database should hold is named as such, even when the schema has other complaints too
  const bad = findUnstorableText(value, []);
  if (result.success && bad === null) return result.data;
  const errors: FieldError[] = [];
  if (bad !== null) errors.push({ field: bad.path.join('.') || location, ...UNSTORABLE[bad.kind] });
  if (!result.success)
    for (const issue of result.error.issues) {
      const error = issueToFieldError(issue, location);
      if (error.field !== errors[0]?.field) errors.push(error);
    }
  throw new AppError(
    'VALIDATION',
    { zh: `${LOCATION_ZH[location] ?? location}有误`, en: `Invalid ${location}` },
    errors,
  );
}

const UNSTORABLE = {
  nul: {
    code: 'invalid_character',
    message_zh: '不能包含空字符（U+0000）',
    message_en: 'Must not contain the NUL character (U+0000)',
  },
  encoding: {
    code: 'invalid_encoding',
    message_zh: '含有无法识别的字符：请以 UTF-8 编码提交',
    message_en: 'Not valid UTF-8 text (a replacement character or a lone surrogate); send UTF-8',
  },
} as const;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The first string PostgreSQL cannot store (U+0000), or that is the residue of a broken encoding: bytes
 * that were not UTF-8 arrive decoded as U+FFFD, and a lone surrogate would be stored as one. Either is
 * refused naming its field rather than stored as U+FFFD. Null when every string is clean.
 */
function findUnstorableText(value: unknown, path: string[]): { path: string[]; kind: keyof typeof UNSTORABLE } | null {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return { path, kind: 'nul' };
    return value.includes('\ufffd') || LONE_SURROGATE.test(value) ? { path, kind: 'encoding' } : null;
  }
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    const found = findUnstorableText(item, [...path, key]);
    if (found !== null) return found;
  }
  return null;
}
