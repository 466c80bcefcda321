/** The fields a ledger row can carry, with the header names community ledgers commonly use for each. */
export const IMPORT_FIELDS = {
  community: ['社区', '村', '社区/村', '所属社区', '社区编码', '社区代码'],
  grid: ['网格', '所属网格', '网格编码', '网格名称'],
  address: ['地址', '住址', '家庭住址', '现住址', '居住地址', '门牌地址'],
  building: ['楼栋', '楼号', '楼栋号'],
  unitNo: ['单元', '单元号'],
  roomNo: ['房号', '房间号', '门牌号', '户室号'],
  lng: ['经度', 'lng', 'longitude'],
  lat: ['纬度', 'lat', 'latitude'],
  name: ['姓名', '名字', '居民姓名'],
  idNumber: ['身份证号', '身份证号码', '公民身份号码', '证件号码', '身份证'],
  noIdReason: ['无证原因', '无身份证原因'],
  gender: ['性别'],
  birthDate: ['出生日期', '出生年月日', '生日'],
  phone: ['联系电话', '手机号', '手机号码', '电话', '联系方式'],
  ethnicity: ['民族'],
  relation: ['与户主关系', '关系', '户主关系'],
  residenceType: ['人口类型', '户籍类型', '居住类型', '人员类型'],
  status: ['状态', '人员状态'],
  careTags: ['关爱标签', '重点人群', '人员类别', '标签'],
  notes: ['备注'],
} as const;

export type ImportField = keyof typeof IMPORT_FIELDS;

/** Headers of the downloadable template, in order; required ones are marked with *. */
export const TEMPLATE_HEADERS: { field: ImportField; header: string; isRequired: boolean; example: string }[] = [
  { field: 'community', header: '社区', isRequired: false, example: '营门滩社区' },
  { field: 'grid', header: '网格', isRequired: false, example: '第1网格' },
  { field: 'address', header: '地址', isRequired: true, example: '营门滩路18号3单元201' },
  { field: 'building', header: '楼栋', isRequired: false, example: '3号楼' },
  { field: 'unitNo', header: '单元', isRequired: false, example: '3' },
  { field: 'roomNo', header: '房号', isRequired: false, example: '201' },
  { field: 'name', header: '姓名', isRequired: true, example: '张三' },
  { field: 'idNumber', header: '身份证号', isRequired: false, example: '' },
  { field: 'noIdReason', header: '无证原因', isRequired: false, example: '' },
  { field: 'gender', header: '性别', isRequired: false, example: '男' },
  { field: 'birthDate', header: '出生日期', isRequired: false, example: '1950-03-08' },
  { field: 'phone', header: '联系电话', isRequired: false, example: '' },
  { field: 'ethnicity', header: '民族', isRequired: false, example: '汉族' },
  { field: 'relation', header: '与户主关系', isRequired: true, example: '户主' },
  { field: 'residenceType', header: '人口类型', isRequired: true, example: '户籍' },
  { field: 'status', header: '状态', isRequired: false, example: '在住' },
  { field: 'careTags', header: '关爱标签', isRequired: false, example: '独居老人、残疾人' },
  { field: 'notes', header: '备注', isRequired: false, example: '' },
  { field: 'lng', header: '经度', isRequired: false, example: '' },
  { field: 'lat', header: '纬度', isRequired: false, example: '' },
];

export const REQUIRED_FIELDS: ImportField[] = ['name', 'address', 'relation', 'residenceType'];

const normalizeHeader = (h: string) =>
  h
    .replace(/^\uFEFF/, '')
    .replace(/[\s*＊（）()]/g, '')
    .toLowerCase();

/**
 * Maps each column to a field: explicit `mapping` (header → field) first, then the known names.
 * Returns the column index of each field found and the headers left unrecognised.
 */
export function mapHeaders(headers: string[], mapping: Record<string, string> = {}) {
  const byField = new Map<ImportField, number>();
  const unrecognised: string[] = [];
  const explicit = new Map(Object.entries(mapping).map(([h, f]) => [normalizeHeader(h), f]));
  headers.forEach((raw, index) => {
    const h = normalizeHeader(raw);
    if (h === '') return;
    const mapped = explicit.get(h);
    const field =
      mapped !== undefined && mapped in IMPORT_FIELDS
        ? (mapped as ImportField)
        : (Object.keys(IMPORT_FIELDS) as ImportField[]).find(
            (f) => IMPORT_FIELDS[f].some((alias) => normalizeHeader(alias) === h) || normalizeHeader(f) === h,
          );
    if (field === undefined || byField.has(field)) unrecognised.push(raw);
    else byField.set(field, index);
  });
  return { byField, unrecognised, missing: REQUIRED_FIELDS.filter((f) => !byField.has(f)) };
}

/** The name a field is reported under: its first (standard) header. */
export const FIELD_LABELS: Record<ImportField, string> = Object.fromEntries(
  (Object.keys(IMPORT_FIELDS) as ImportField[]).map((f) => [f, IMPORT_FIELDS[f][0]]),
) as Record<ImportField, string>;
