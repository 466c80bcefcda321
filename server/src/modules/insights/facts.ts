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

const SHANGHAI_MS = 8 * 3_600_000;
/** 'YYYY-MM' of an instant, in Asia/Shanghai. */
export const shanghaiMonth = (iso: string) => new Date(Date.parse(iso) + SHANGHAI_MS).toISOString().slice(0, 7);
/** 'YYYY-MM-DD' of an instant, in Asia/Shanghai. */
export const shanghaiDay = (iso: string) => new Date(Date.parse(iso) + SHANGHAI_MS).toISOString().slice(0, 10);

export interface ResidentSource {
  status: string;
  gender: string;
  birth_date: string;
  residence_type: string;
  created_at: string;
  /** care tag codes assigned to the resident (derived tags are never assigned) */
  tags: string[];
}

export function residentFacts(r: ResidentSource): string {
  const tags = [...r.tags].sort().join(',');
  return [r.status, r.gender, r.birth_date.slice(0, 4), r.residence_type, shanghaiMonth(r.created_at), tags].join('|');
}

/**
 * Living residents by gender × birth year × residence type (age bands are computed when read, from the
 * birth year, so they never go stale), the same per care tag, totals of the living, of those with any
 * tag and of those living alone (what drill-down tables read, one row each), and residents
 * registered per month (any status: a later move-out does not un-register March's new residents).
 */
export function residentContributions(facts: string): Contribution[] {
  const [status, gender, year, type, month, tags] = facts.split('|') as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const out: Contribution[] = [{ fact: 'added', dims: month, n: 1 }];
  if (status !== 'living') return out;
  out.push({ fact: 'living', dims: '', n: 1 }, { fact: 'res', dims: `${gender}|${year}|${type}`, n: 1 });
  if (tags !== '') {
    out.push({ fact: 'tagged', dims: '', n: 1 });
    if (tags.split(',').includes('living_alone')) out.push({ fact: 'alone', dims: '', n: 1 });
    for (const tag of tags.split(',')) out.push({ fact: 'tag', dims: `${tag}|${gender}|${year}|${type}`, n: 1 });
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
  return [
    c.status,
    c.due_state,
    shanghaiMonth(c.created_at),
    c.duty_code ?? '',
    c.handler_level,
    c.resolved_at === null ? '' : shanghaiMonth(c.resolved_at),
    opt(c.is_accepted_on_time),
    opt(c.accept_seconds),
    opt(c.resolve_seconds),
    opt(c.is_solved),
    opt(c.rating),
    String(Number(c.was_overdue)),
  ].join('|');
}

/** Month-keyed case counters, the same definitions as the three rates (merged duplicates are not received). */
export function caseContributions(facts: string): Contribution[] {
  const [status, due, month, code, level, resolvedMonth, onTime, acceptS, resolveS, solved, rating, wasOverdue] =
    facts.split('|') as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
  const out: Contribution[] = [{ fact: 'case.state', dims: `${month}|${status}|${due}`, n: 1 }];
  if (status === 'merged') return out;
  const add = (fact: string, n = 1, dims = month) => {
    if (n !== 0) out.push({ fact, dims, n });
  };
  add('case.item', 1, `${month}|${code}`);
  add('case.level', 1, `${month}|${level}`);
  add('case.received');
  if (onTime === '1') add('case.ontime');
  if (status === 'closed') add('case.closed');
  if (status === 'closed' && solved === '1') add('case.solved');
  if (rating !== '') add('case.rated');
  if (rating !== '' && Number(rating) >= 4) add('case.satisfied');
  if (acceptS !== '') {
    add('case.accept_n');
    add('case.accept_sum', Number(acceptS));
  }
  if (resolveS !== '') {
    add('case.resolve_n');
    add('case.resolve_sum', Number(resolveS));
  }
  if (wasOverdue === '1') add('case.ever_overdue');
  if (resolvedMonth !== '') add('case.resolved', 1, `${resolvedMonth}|${code}`);
  return out;
}

export interface VisitSource {
  last_visit_at: string | null;
  next_due_at: string | null;
}

export function visitFacts(v: VisitSource): string {
  return [
    v.next_due_at === null ? '' : shanghaiDay(v.next_due_at),
    v.last_visit_at === null ? '' : shanghaiMonth(v.last_visit_at),
  ].join('|');
}

/**
 * Households under visit policy, by the month of their latest visit, and by the day their next visit is
 * due (with whether they were ever visited): overdue and coverage depend on today, so they are read, not stored.
 */
export function visitContributions(facts: string): Contribution[] {
  const [dueDay, lastMonth] = facts.split('|') as [string, string];
  return [
    { fact: 'visit.tracked', dims: '', n: 1 },
    { fact: 'visit.last', dims: lastMonth === '' ? 'never' : lastMonth, n: 1 },
    { fact: 'visit.due', dims: `${dueDay === '' ? 'none' : dueDay}|${lastMonth === '' ? 0 : 1}`, n: 1 },
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
