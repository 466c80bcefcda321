import { shanghaiDay, shanghaiMonth } from '../../platform/calendar.ts';
import { ratio } from '../../platform/ratio.ts';
import { isCareTagCode } from '../registry/vocabulary.ts';

/**
 * What each source row counts as. A row's *facts* are a short string of the values the counters
 * depend on; its *contributions* are the counters those facts add to the unit the row belongs to (and,
 * through rollups.ts, to every unit above it). Both are pure functions, so "the marks say what was
 * counted" and "a rebuild recomputes it" can never disagree.
 */

/** The kinds of source rows the counters are made from. */
export type SourceKind = 'resident' | 'household' | 'case' | 'visit';
export const SOURCE_KINDS: readonly SourceKind[] = ['resident', 'household', 'case', 'visit'];

export interface Contribution {
  fact: string;
  dims: string;
  n: number;
}

/**
 * A record kept as its values joined by '|' in a fixed order of named fields: row facts (in marks) and
 * counter dims. The order is written once, in the codec; code reads and writes fields by name.
 */
export interface PipeCodec<F extends string> {
  readonly fields: readonly F[];
  encode(values: Record<F, string>): string;
  decode(text: string): Record<F, string>;
}

export function pipeCodec<const F extends string>(fields: readonly F[]): PipeCodec<F> {
  return {
    fields,
    encode: (values) => fields.map((f) => values[f]).join('|'),
    decode: (text) => {
      const parts = text.split('|');
      const out = {} as Record<F, string>;
      for (let i = 0; i < fields.length; i++) out[fields[i]!] = parts[i] ?? '';
      return out;
    },
  };
}

/** What a resident's mark says it was counted as. */
export const RESIDENT_FACTS = pipeCodec(['status', 'gender', 'birthYear', 'residenceType', 'addedMonth', 'tags']);
/** `res` dims: living residents by gender, birth year and residence type. */
export const RES_DIMS = pipeCodec(['gender', 'birthYear', 'residenceType']);
/** `tag` dims: the same per care tag. */
export const TAG_DIMS = pipeCodec(['tag', 'gender', 'birthYear', 'residenceType']);
/** What a case's mark says it was counted as (optional numbers are '' when null). */
export const CASE_FACTS = pipeCodec([
  'status',
  'dueState',
  'month',
  'dutyCode',
  'handlerLevel',
  'resolvedMonth',
  'isAcceptedOnTime',
  'acceptSeconds',
  'resolveSeconds',
  'isSolved',
  'rating',
  'wasOverdue',
]);
/** `case.state` dims: cases by month received, status and deadline state. */
export const CASE_STATE_DIMS = pipeCodec(['month', 'status', 'dueState']);
/** `case.item` dims (month received) and `case.resolved` dims (month resolved): cases by month and duty item ('' unmatched). */
export const CASE_ITEM_DIMS = pipeCodec(['month', 'dutyCode']);
/** `case.level` dims: cases by month received and the level of the unit handling them. */
export const CASE_LEVEL_DIMS = pipeCodec(['month', 'handlerLevel']);
/** What a visit status's mark says: the Shanghai day the next visit is due and the month of the latest. */
export const VISIT_FACTS = pipeCodec(['dueDay', 'lastMonth']);
/** `visit.due` dims: households by the day their next visit is due ('none') and whether ever visited (0/1). */
export const VISIT_DUE_DIMS = pipeCodec(['dueDay', 'isVisited']);

export interface ResidentSource {
  status: string;
  gender: string;
  birth_date: string;
  residence_type: string;
  created_at: string;
  /** tag codes assigned to the resident (derived tags are never assigned); only care tags are counted */
  tags: string[];
}

export function residentFacts(r: ResidentSource): string {
  return RESIDENT_FACTS.encode({
    status: r.status,
    gender: r.gender,
    birthYear: r.birth_date.slice(0, 4),
    residenceType: r.residence_type,
    addedMonth: shanghaiMonth(r.created_at),
    // the registry's 党员 is a membership, not a 关爱对象: never counted as a care tag, whatever the rows hold
    tags: r.tags.filter(isCareTagCode).sort().join(','),
  });
}

/**
 * Living residents by gender × birth year × residence type (age bands are computed when read, from the
 * birth year, so they never go stale), the same per care tag, totals of the living, of those with any
 * tag and of those living alone (what drill-down tables read, one row each), and residents
 * registered per month (any status: a later move-out does not un-register March's new residents).
 */
export function residentContributions(facts: string): Contribution[] {
  const f = RESIDENT_FACTS.decode(facts);
  const out: Contribution[] = [{ fact: 'added', dims: f.addedMonth, n: 1 }];
  if (f.status !== 'living') return out;
  const person = { gender: f.gender, birthYear: f.birthYear, residenceType: f.residenceType };
  out.push({ fact: 'living', dims: '', n: 1 }, { fact: 'res', dims: RES_DIMS.encode(person), n: 1 });
  if (f.tags !== '') {
    const tags = f.tags.split(',');
    out.push({ fact: 'tagged', dims: '', n: 1 });
    if (tags.includes('living_alone')) out.push({ fact: 'alone', dims: '', n: 1 });
    for (const tag of tags) out.push({ fact: 'tag', dims: TAG_DIMS.encode({ tag, ...person }), n: 1 });
  }
  return out;
}

export const householdFacts = () => 'h';
export const householdContributions = (): Contribution[] => [{ fact: 'hh', dims: '', n: 1 }];

export interface CaseSource {
  status: string;
  due_state: string;
  created_at: string;
  duty_code: string | null;
  handler_level: string;
  resolved_at: string | null;
  is_accepted_on_time: number | null;
  accept_seconds: number | null;
  resolve_seconds: number | null;
  is_solved: number | null;
  rating: number | null;
  was_overdue: number;
}

const opt = (v: number | null) => (v === null ? '' : String(Number(v)));

export function caseFacts(c: CaseSource): string {
  return CASE_FACTS.encode({
    status: c.status,
    dueState: c.due_state,
    month: shanghaiMonth(c.created_at),
    dutyCode: c.duty_code ?? '',
    handlerLevel: c.handler_level,
    resolvedMonth: c.resolved_at === null ? '' : shanghaiMonth(c.resolved_at),
    isAcceptedOnTime: opt(c.is_accepted_on_time),
    acceptSeconds: opt(c.accept_seconds),
    resolveSeconds: opt(c.resolve_seconds),
    isSolved: opt(c.is_solved),
    rating: opt(c.rating),
    wasOverdue: String(Number(c.was_overdue)),
  });
}

/**
 * Which of the three rates' parts a case adds to: the one definition of received, accepted on time,
 * closed, solved, rated and satisfied. The counters (grouped by the place a case happened) add these
 * per case from its facts; the rates page (cases/rates.ts, grouped by handling unit) adds them per
 * group of alike rows through `ratePartsOfCase`.
 */
export function rateParts(f: {
  status: string;
  isAcceptedOnTime: string;
  isSolved: string;
  rating: string;
}): Record<RatePart, 0 | 1> {
  const isReceived = f.status !== 'merged';
  const isClosed = isReceived && f.status === 'closed';
  const isRated = isReceived && f.rating !== '';
  return {
    received: isReceived ? 1 : 0,
    acceptedOnTime: isReceived && f.isAcceptedOnTime === '1' ? 1 : 0,
    closed: isClosed ? 1 : 0,
    solved: isClosed && f.isSolved === '1' ? 1 : 0,
    rated: isRated ? 1 : 0,
    satisfied: isRated && Number(f.rating) >= 4 ? 1 : 0,
  };
}

/** `rateParts` of a case row, its columns read as `caseFacts` records them. */
export function ratePartsOfCase(c: Pick<CaseSource, 'status' | 'is_accepted_on_time' | 'is_solved' | 'rating'>) {
  return rateParts({
    status: c.status,
    isAcceptedOnTime: opt(c.is_accepted_on_time),
    isSolved: opt(c.is_solved),
    rating: opt(c.rating),
  });
}

export type RatePart = 'received' | 'acceptedOnTime' | 'closed' | 'solved' | 'rated' | 'satisfied';
/** The counter fact of each part of the three rates, by month received. */
export const RATE_PART_FACTS: Record<RatePart, string> = {
  received: 'case.received',
  acceptedOnTime: 'case.ontime',
  closed: 'case.closed',
  solved: 'case.solved',
  rated: 'case.rated',
  satisfied: 'case.satisfied',
};
export const RATE_PARTS = Object.keys(RATE_PART_FACTS) as RatePart[];

/**
 * The three rates (三率) from their parts, whichever way the cases were grouped:
 * response = accepted on time ÷ received; resolution = solved ÷ closed; satisfaction = satisfied ÷ rated.
 */
export function threeRates(p: Record<RatePart, number>) {
  return {
    responseRate: ratio(p.acceptedOnTime, p.received),
    resolutionRate: ratio(p.solved, p.closed),
    satisfactionRate: ratio(p.satisfied, p.rated),
  };
}

/** Month-keyed case counters, the same definitions as the three rates (merged duplicates are not received). */
export function caseContributions(facts: string): Contribution[] {
  const f = CASE_FACTS.decode(facts);
  const month = f.month;
  const out: Contribution[] = [
    { fact: 'case.state', dims: CASE_STATE_DIMS.encode({ month, status: f.status, dueState: f.dueState }), n: 1 },
  ];
  if (f.status === 'merged') return out;
  const add = (fact: string, n = 1, dims = month) => {
    if (n !== 0) out.push({ fact, dims, n });
  };
  add('case.item', 1, CASE_ITEM_DIMS.encode({ month, dutyCode: f.dutyCode }));
  add('case.level', 1, CASE_LEVEL_DIMS.encode({ month, handlerLevel: f.handlerLevel }));
  const parts = rateParts(f);
  for (const part of RATE_PARTS) add(RATE_PART_FACTS[part], parts[part]);
  if (f.acceptSeconds !== '') {
    add('case.accept_n');
    add('case.accept_sum', Number(f.acceptSeconds));
  }
  if (f.resolveSeconds !== '') {
    add('case.resolve_n');
    add('case.resolve_sum', Number(f.resolveSeconds));
  }
  if (f.wasOverdue === '1') add('case.ever_overdue');
  if (f.resolvedMonth !== '')
    add('case.resolved', 1, CASE_ITEM_DIMS.encode({ month: f.resolvedMonth, dutyCode: f.dutyCode }));
  return out;
}

export interface VisitSource {
  last_visit_at: string | null;
  next_due_at: string | null;
}

export function visitFacts(v: VisitSource): string {
  return VISIT_FACTS.encode({
    dueDay: v.next_due_at === null ? '' : shanghaiDay(v.next_due_at),
    lastMonth: v.last_visit_at === null ? '' : shanghaiMonth(v.last_visit_at),
  });
}

/**
 * Households with a visit status, by the month of their latest visit ('never' when none), and by the
 * day their next visit is due (with whether they were ever visited): overdue, due soon and coverage
 * depend on today, so they are read, not stored. Households with no status row are never visited:
 * the figures count them from `hh` (counters.ts visitFigures).
 */
export function visitContributions(facts: string): Contribution[] {
  const f = VISIT_FACTS.decode(facts);
  return [
    { fact: 'visit.tracked', dims: '', n: 1 },
    { fact: 'visit.last', dims: f.lastMonth === '' ? 'never' : f.lastMonth, n: 1 },
    {
      fact: 'visit.due',
      dims: VISIT_DUE_DIMS.encode({
        dueDay: f.dueDay === '' ? 'none' : f.dueDay,
        isVisited: f.lastMonth === '' ? '0' : '1',
      }),
      n: 1,
    },
  ];
}

export const CONTRIBUTIONS: Record<SourceKind, (facts: string) => Contribution[]> = {
  resident: residentContributions,
  household: householdContributions,
  case: caseContributions,
  visit: visitContributions,
};

/** Every unit a row at `path` counts toward: the unit itself and each one above it. */
export function pathAncestors(path: string): string[] {
  const out: string[] = [];
  for (let i = 1; i < path.length; i++) if (path[i] === '/') out.push(path.slice(0, i + 1));
  return out;
}
