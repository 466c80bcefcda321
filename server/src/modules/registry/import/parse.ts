import type { PiiCipher } from '../../../platform/pii/crypto.ts';
import { resolveTags, usableAt } from '../care-tags.ts';
import { splitPartyLabel } from '../vocabulary.ts';
import { checkResidentIdentity, type ResidentIdentity } from '../resident-input.ts';
import type { CareTagTable, ResidentTable } from '../tables.ts';
import { FIELD_LABELS, type ImportField } from './columns.ts';
import {
  parseDate,
  parseEthnicity,
  parseGender,
  parseRelation,
  parseResidenceType,
  parseStatus,
  splitTags,
} from './fields.ts';
import { householdKey } from './compact-maps.ts';
import type { SheetRow } from './read.ts';
import type { PlaceResolver, PlaceUnit } from './resolve.ts';

/** Reading one ledger row: cells → checked, typed, encrypted facts, or every problem with its column. */

/** A rejected row: where and why, never the cell's value (a misplaced column may hold an ID number). */
export interface ImportProblem {
  row: number;
  column: string;
  reason_zh: string;
  reason_en: string;
}

/** A ledger row checked and in stored form: numbers already encrypted and blind-indexed. */
export interface ParsedRow {
  row: number;
  unit: PlaceUnit;
  /** the household's place (unit, address, unit and room number) as a 64-bit key */
  householdKey: bigint;
  address: string;
  building: string | undefined;
  unitNo: string | null;
  roomNo: string | null;
  lng: number | null;
  lat: number | null;
  ethnicity: string;
  relation: string;
  residenceType: ResidentTable['residence_type'];
  status: ResidentTable['status'];
  notes: string | null;
  tagIds: string[];
  /** the row declares her 党员: a party membership, not a care tag */
  isPartyMember: boolean;
  identity: ResidentIdentity;
  /** the id she gets if she is new, made on the reading thread */
  residentId: string;
  /** what the insight counters count of her if she is new (insights/facts.ts residentFacts), '' until known */
  facts: string;
}

type Cells = Partial<Record<ImportField, string>>;

/** The tags usable at each place an import's rows go to, worked out once per place. */
const usableByPlace = new WeakMap<CareTagTable[], Map<string, CareTagTable[]>>();
function tagsAt(tags: CareTagTable[], path: string): CareTagTable[] {
  let byPlace = usableByPlace.get(tags);
  if (byPlace === undefined) usableByPlace.set(tags, (byPlace = new Map<string, CareTagTable[]>()));
  let usable = byPlace.get(path);
  if (usable === undefined) byPlace.set(path, (usable = usableAt(tags, path)));
  return usable;
}

export interface ParseContext {
  resolver: PlaceResolver;
  pii: PiiCipher;
  tags: CareTagTable[];
  now: Date;
  /** false once an all-or-nothing import is known to fail: rows are still checked, nothing is encrypted */
  isEncrypting: boolean;
}

/** Reads the cells of one row into typed facts, collecting every problem with its column. */
export function parseRow(
  row: SheetRow,
  columns: Map<ImportField, number>,
  ctx: ParseContext,
): { parsed: ParsedRow } | { problems: ImportProblem[] } {
  const cells: Cells = {};
  for (const [field, index] of columns) cells[field] = (row.values[index] ?? '').trim();
  const problems: ImportProblem[] = [];
  const problem = (field: string, zh: string, en: string) =>
    problems.push({ row: row.row, column: FIELD_LABELS[field as ImportField] ?? field, reason_zh: zh, reason_en: en });

  const lng = cells.lng ? Number(cells.lng) : undefined;
  const lat = cells.lat ? Number(cells.lat) : undefined;
  if ((lng !== undefined && !(lng >= 73 && lng <= 136)) || (lat !== undefined && !(lat >= 3 && lat <= 54))) {
    problem('lng', '经纬度不在中国境内或不是数字', 'Coordinates are not numbers inside China');
  }
  const place = ctx.resolver.resolve({ community: cells.community, grid: cells.grid, lng, lat });
  if ('column' in place) problem(place.column, place.zh, place.en);
  const address = cells.address ?? '';
  if (address.length < 2 || address.length > 120)
    problem('address', '地址须为 2 到 120 个字符', 'Address must be 2–120 characters');
  const relation = parseRelation(cells.relation ?? '');
  if (relation === undefined)
    problem(
      'relation',
      '与户主关系无法识别（如户主、配偶、子、女、父母）',
      'Unknown relation to the head of household',
    );
  const residenceType = parseResidenceType(cells.residenceType ?? '');
  if (residenceType === undefined)
    problem('residenceType', '人口类型须为 户籍、常住 或 流动', 'Residence type must be 户籍, 常住 or 流动');
  const status = parseStatus(cells.status ?? '');
  if (status === undefined) problem('status', '状态须为 在住、迁出 或 死亡', 'Status must be 在住, 迁出 or 死亡');
  const ethnicity = parseEthnicity(cells.ethnicity ?? '');
  if (ethnicity === undefined) problem('ethnicity', '民族须为 56 个民族之一', 'Ethnicity must be one of the 56');
  const gender = cells.gender ? parseGender(cells.gender) : undefined;
  if (cells.gender && gender === undefined) problem('gender', '性别须为 男 或 女', 'Gender must be 男 or 女');
  const birthDate = parseDate(cells.birthDate ?? '');
  // a custom tag only where its unit is (care-tags.ts): at the row's place, or the target's while that is unknown
  const at = 'unit' in place ? place.unit.path : ctx.resolver.places.target.path;
  const { isPartyMember, careLabels } = splitPartyLabel(splitTags(cells.careTags ?? ''));
  const tags = resolveTags(tagsAt(ctx.tags, at), careLabels);
  if (tags.unknown.length > 0)
    problem(
      'careTags',
      `有 ${tags.unknown.length} 个未知的关爱标签（可用的标签见导入模板）`,
      `${tags.unknown.length} unknown care tag(s); the template lists the known ones`,
    );
  const notes = cells.notes ? cells.notes.slice(0, 500) : null;
  const facts = {
    name: cells.name ?? '',
    idNumber: cells.idNumber || undefined,
    noIdReason: cells.noIdReason || undefined,
    gender,
    birthDate: birthDate === 'invalid' ? '0000-00-00' : birthDate,
    phone: cells.phone || undefined,
  };
  const identity = checkResidentIdentity(ctx.pii, facts, ctx.now, { isEncrypting: ctx.isEncrypting });
  if (!identity.ok) for (const e of identity.errors) problem(e.field, e.message_zh, e.message_en);
  if (problems.length > 0 || !identity.ok || 'column' in place) return { problems };
  return {
    parsed: {
      row: row.row,
      unit: place.unit,
      householdKey: householdKey(place.unit.id, address, cells.unitNo || null, cells.roomNo || null),
      address,
      building: cells.building || undefined,
      unitNo: cells.unitNo || null,
      roomNo: cells.roomNo || null,
      lng: lng ?? null,
      lat: lat ?? null,
      ethnicity: ethnicity!,
      relation: relation!,
      residenceType: residenceType!,
      status: status!,
      notes,
      tagIds: tags.ids,
      isPartyMember,
      identity: identity.value,
      residentId: '',
      facts: '',
    },
  };
}
