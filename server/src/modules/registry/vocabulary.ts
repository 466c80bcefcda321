/** The 56 ethnic groups of China (民族), in the order of GB/T 3304, then 其他 for anyone else. */
export const ETHNICITIES = [
  '汉族',
  '蒙古族',
  '回族',
  '藏族',
  '维吾尔族',
  '苗族',
  '彝族',
  '壮族',
  '布依族',
  '朝鲜族',
  '满族',
  '侗族',
  '瑶族',
  '白族',
  '土家族',
  '哈尼族',
  '哈萨克族',
  '傣族',
  '黎族',
  '傈僳族',
  '佤族',
  '畲族',
  '高山族',
  '拉祜族',
  '水族',
  '东乡族',
  '纳西族',
  '景颇族',
  '柯尔克孜族',
  '土族',
  '达斡尔族',
  '仫佬族',
  '羌族',
  '布朗族',
  '撒拉族',
  '毛南族',
  '仡佬族',
  '锡伯族',
  '阿昌族',
  '普米族',
  '塔吉克族',
  '怒族',
  '乌孜别克族',
  '俄罗斯族',
  '鄂温克族',
  '德昂族',
  '保安族',
  '裕固族',
  '京族',
  '塔塔尔族',
  '独龙族',
  '鄂伦春族',
  '赫哲族',
  '门巴族',
  '珞巴族',
  '基诺族',
  '其他',
] as const;

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

export const RESIDENCE_TYPES = ['registered', 'permanent', 'floating'] as const;
export const RESIDENCE_TYPE_NAMES: Record<(typeof RESIDENCE_TYPES)[number], string> = {
  registered: '户籍',
  permanent: '常住',
  floating: '流动',
};

export const STATUSES = ['living', 'moved_out', 'deceased'] as const;
export const STATUS_NAMES: Record<(typeof STATUSES)[number], string> = {
  living: '在住',
  moved_out: '迁出',
  deceased: '死亡',
};

export const GENDER_NAMES = { male: '男', female: '女' } as const;

/** Reads a Chinese or English label back to its code (for imports and forms). */
export function codeFromLabel<T extends string>(names: Record<T, string>, label: string): T | undefined {
  const v = label.trim();
  for (const [code, name] of Object.entries(names) as [T, string][]) if (v === name || v === code) return code;
  return undefined;
}

/**
 * The registry's 党员: a label the registry form and the import accept, recorded as a party membership
 * (party/declared-members.ts), never as a care tag — a party member is not a 关爱对象. Older data keeps a
 * `party_member` row in care_tags; nothing lists, assigns or counts it.
 */
export const PARTY_MEMBER_CODE = 'party_member';
export const PARTY_MEMBER_LABELS: readonly string[] = [PARTY_MEMBER_CODE, '党员'];

/** Whether a tag code names a care tag (关爱对象) at all: every tag but the registry's 党员. */
export const isCareTagCode = (code: string): boolean => code !== PARTY_MEMBER_CODE;

/** Splits the registry's 党员 from the care-tag labels given. */
export function splitPartyLabel(labels: readonly string[]): { isPartyMember: boolean; careLabels: string[] } {
  const trimmed = labels.map((l) => l.trim());
  return {
    isPartyMember: trimmed.some((l) => PARTY_MEMBER_LABELS.includes(l)),
    careLabels: trimmed.filter((l) => !PARTY_MEMBER_LABELS.includes(l)),
  };
}
