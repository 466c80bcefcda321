import type {
  DerivedOp,
  Filter,
  HeaderGroup,
  RosterField,
  RowLevel,
  TemplateColumn,
  TemplateDetail,
  TemplateInput,
} from './api';

export type ColumnType = 'metric' | 'derived' | 'manual';

/** A column as the builder's form holds it: the input's shape plus which kind it is. */
export interface ColumnDraft {
  type: ColumnType;
  key: string;
  label: string;
  metric?: string;
  filter?: Filter;
  derived?: { op?: DerivedOp; args?: string[] };
}

export type RosterFilter = Filter & { status?: 'living' | 'moved_out' | 'deceased' };

/** The builder's form: both kinds of template at once, so switching kind keeps what was typed. */
export interface TemplateDraft {
  name: string;
  title: string;
  rowKind: 'units' | 'roster';
  rowLevel: RowLevel;
  columns: ColumnDraft[];
  headerGroups: HeaderGroup[];
  filter: RosterFilter;
  fields: RosterField[];
}

export const EMPTY_DRAFT: TemplateDraft = {
  name: '',
  title: '',
  rowKind: 'units',
  rowLevel: 'community',
  columns: [{ type: 'metric', key: 'c1', label: '', metric: 'residents.count' }],
  headerGroups: [],
  filter: { status: 'living' },
  fields: ['name', 'gender', 'age', 'address', 'careTags'],
};

/** The first `c<n>` key no column uses yet. */
export function nextColumnKey(columns: readonly Pick<ColumnDraft, 'key'>[]): string {
  const used = new Set(columns.map((c) => c.key));
  let n = columns.length + 1;
  while (used.has(`c${n}`)) n += 1;
  return `c${n}`;
}

/** A filter without its empty fields (the form keeps cleared inputs as undefined or null). */
export function cleanFilter<F extends object>(filter: F | undefined): F | undefined {
  if (filter === undefined || filter === null) return undefined;
  const entries = Object.entries(filter).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as F);
}

function toColumn(draft: ColumnDraft): TemplateColumn {
  const base = { key: draft.key, label: draft.label };
  if (draft.type === 'manual') return { ...base, manual: true };
  if (draft.type === 'derived') {
    return { ...base, derived: { op: draft.derived?.op ?? 'sum', args: draft.derived?.args ?? [] } };
  }
  const filter = cleanFilter(draft.filter);
  return { ...base, metric: draft.metric ?? '', ...(filter === undefined ? {} : { filter }) };
}

/** What the server takes: only the fields of the chosen kind, without empty filters. */
export function toTemplateInput(draft: TemplateDraft): TemplateInput {
  const head = { name: draft.name.trim(), title: draft.title.trim() };
  if (draft.rowKind === 'roster') {
    return { ...head, rowKind: 'roster', filter: cleanFilter(draft.filter) ?? {}, fields: draft.fields };
  }
  const groups = (draft.headerGroups ?? []).filter((g) => g.label.trim() !== '');
  return {
    ...head,
    rowKind: 'units',
    rowLevel: draft.rowLevel,
    ...(groups.length > 0 ? { headerGroups: groups } : {}),
    columns: (draft.columns ?? []).map(toColumn),
  };
}

/** A stored template as the builder's form. */
export function toDraft(template: TemplateDetail | TemplateInput): TemplateDraft {
  if (template.rowKind === 'roster') {
    return { ...EMPTY_DRAFT, name: template.name, title: template.title, rowKind: 'roster', ...pickRoster(template) };
  }
  return {
    ...EMPTY_DRAFT,
    name: template.name,
    title: template.title,
    rowKind: 'units',
    rowLevel: template.rowLevel,
    headerGroups: template.headerGroups ?? [],
    columns: template.columns.map((c): ColumnDraft => {
      if ('manual' in c) return { type: 'manual', key: c.key, label: c.label };
      if ('derived' in c) return { type: 'derived', key: c.key, label: c.label, derived: c.derived };
      return { type: 'metric', key: c.key, label: c.label, metric: c.metric, filter: c.filter ?? {} };
    }),
  };
}

function pickRoster(template: Extract<TemplateInput, { rowKind: 'roster' }>) {
  return { filter: template.filter, fields: template.fields };
}
