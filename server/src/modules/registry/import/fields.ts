import { ETHNICITIES, RELATIONS } from '../vocabulary.ts';
import type { Gender, ResidenceType, ResidentStatus } from '../tables.ts';

const RELATION_ALIASES: Record<string, (typeof RELATIONS)[number]> = {
  本人: '户主',
  户主本人: '户主',
  妻: '配偶',
  妻子: '配偶',
  夫: '配偶',
  丈夫: '配偶',
  儿子: '子',
  长子: '子',
  次子: '子',
  女儿: '女',
  长女: '女',
  次女: '女',
  父亲: '父母',
  母亲: '父母',
  孙子: '孙子女',
  孙女: '孙子女',
  外孙: '孙子女',
  外孙女: '孙子女',
  其他: '其他亲属',
};

export function parseRelation(v: string): (typeof RELATIONS)[number] | undefined {
  const t = v.trim();
  return (RELATIONS as readonly string[]).includes(t) ? (t as (typeof RELATIONS)[number]) : RELATION_ALIASES[t];
}

export function parseGender(v: string): Gender | undefined {
  const t = v.trim().toLowerCase();
  if (['男', 'male', 'm', '1'].includes(t)) return 'male';
  if (['女', 'female', 'f', '2'].includes(t)) return 'female';
  return undefined;
}

export function parseResidenceType(v: string): ResidenceType | undefined {
  const t = v.trim().replace(/人口$/, '');
  return (
    {
      户籍: 'registered',
      常住: 'permanent',
      流动: 'floating',
      registered: 'registered',
      permanent: 'permanent',
      floating: 'floating',
    } as const
  )[t];
}

export function parseStatus(v: string): ResidentStatus | undefined {
  const t = v.trim();
  if (t === '') return 'living';
  return (
    {
      在住: 'living',
      正常: 'living',
      迁出: 'moved_out',
      死亡: 'deceased',
      已故: 'deceased',
      living: 'living',
      moved_out: 'moved_out',
      deceased: 'deceased',
    } as const
  )[t];
}

export function parseEthnicity(v: string): (typeof ETHNICITIES)[number] | undefined {
  const t = v.trim();
  if (t === '') return '汉族';
  const withSuffix = t.endsWith('族') || t === '其他' ? t : `${t}族`;
  return (ETHNICITIES as readonly string[]).includes(withSuffix)
    ? (withSuffix as (typeof ETHNICITIES)[number])
    : undefined;
}

/** 1950-3-8, 1950/03/08, 1950.03.08, 19500308 → 1950-03-08 (validity checked later). */
export function parseDate(v: string): string | undefined {
  const t = v.trim();
  if (t === '') return undefined;
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (m === null) return 'invalid';
  return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
}

export const splitTags = (v: string): string[] => v.split(/[,，、;；\s]+/).filter((s) => s !== '');
