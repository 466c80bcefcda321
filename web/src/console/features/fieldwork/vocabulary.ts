import type { MessageKey } from '../../app/messages';
import type { HouseholdChange, Visit } from './queries';

type FactField = HouseholdChange['field'];

export const FACT_FIELD_LABEL: Record<FactField, MessageKey> = {
  phone: 'field.fact.phone',
  living_alone: 'field.fact.living_alone',
  status: 'field.fact.status',
  notes: 'field.fact.notes',
  care_tag_add: 'field.fact.care_tag_add',
  care_tag_remove: 'field.fact.care_tag_remove',
};

export const CHANGE_STATE_LABEL: Record<HouseholdChange['state'], MessageKey> = {
  applied: 'fieldwork.change.applied',
  proposed: 'fieldwork.change.proposed',
  stale: 'fieldwork.change.stale',
  rejected: 'fieldwork.change.rejected',
};
export const CHANGE_STATE_COLOR: Record<HouseholdChange['state'], string> = {
  applied: 'green',
  proposed: 'blue',
  stale: 'orange',
  rejected: 'default',
};

export const VISIT_KIND_LABEL: Record<Visit['kind'], MessageKey> = {
  routine: 'field.kind.routine',
  follow_up: 'field.kind.follow_up',
  urgent: 'field.kind.urgent',
};

export const TOPIC_LABEL: Record<Visit['findings'][number]['topic'], MessageKey> = {
  health: 'field.topic.health',
  daily_living: 'field.topic.daily_living',
  housing_safety: 'field.topic.housing_safety',
  income: 'field.topic.income',
  children_schooling: 'field.topic.children_schooling',
  disputes: 'field.topic.disputes',
  policy: 'field.topic.policy',
};

/** A fact's value as staff read it: 是/否, a status, a care tag's name, or the text (a phone comes masked). */
export function factValueText(
  field: FactField,
  value: string | boolean | null,
  t: (key: MessageKey) => string,
  tagName: (code: string) => string,
): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? t('field.fact.yes') : t('field.fact.no');
  if (field === 'status' && (value === 'living' || value === 'moved_out' || value === 'deceased'))
    return t(`resident.status.${value}`);
  if (field === 'care_tag_add' || field === 'care_tag_remove') return tagName(value);
  return value;
}
