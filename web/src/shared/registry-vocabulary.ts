import type { Gender } from '../api/types';

// Copied from server/src/modules/registry/vocabulary.ts: the server validates against the same lists.

/** 与户主关系 */
export const RELATIONS = [
  '户主',
  '配偶',
  '子',
  '女',
  '儿媳',
  '女婿',
  '父母',
  '祖父母',
  '孙子女',
  '兄弟姐妹',
  '其他亲属',
  '非亲属',
] as const;

export const HEAD_RELATION = '户主';

/** The registry's words that both the console and the phone show: relations, sexes, residence, household size. */
export const registryVocabularyMessages = {
  'resident.status.living': { zh: '在住', en: 'Living here' },
  'resident.status.moved_out': { zh: '迁出', en: 'Moved out' },
  'resident.status.deceased': { zh: '死亡', en: 'Deceased' },
  'household.memberCount': { zh: '人数', en: 'Members' },
  'resident.gender.male': { zh: '男', en: 'Male' },
  'resident.gender.female': { zh: '女', en: 'Female' },
  'relation.户主': { zh: '户主', en: 'Head' },
  'relation.配偶': { zh: '配偶', en: 'Spouse' },
  'relation.子': { zh: '子', en: 'Son' },
  'relation.女': { zh: '女', en: 'Daughter' },
  'relation.儿媳': { zh: '儿媳', en: 'Daughter-in-law' },
  'relation.女婿': { zh: '女婿', en: 'Son-in-law' },
  'relation.父母': { zh: '父母', en: 'Parent' },
  'relation.祖父母': { zh: '祖父母', en: 'Grandparent' },
  'relation.孙子女': { zh: '孙子女', en: 'Grandchild' },
  'relation.兄弟姐妹': { zh: '兄弟姐妹', en: 'Sibling' },
  'relation.其他亲属': { zh: '其他亲属', en: 'Other relative' },
  'relation.非亲属': { zh: '非亲属', en: 'Not related' },
} as const;

type VocabularyKey = keyof typeof registryVocabularyMessages;

export const GENDER_LABEL: Record<Gender, VocabularyKey> = {
  male: 'resident.gender.male',
  female: 'resident.gender.female',
};

/** The message key naming a relation (与户主关系), if it is one of the known ones. */
export function relationKey(relation: string): VocabularyKey | undefined {
  const key = `relation.${relation}`;
  return key in registryVocabularyMessages ? (key as VocabularyKey) : undefined;
}
