import { AimOutlined, DeleteOutlined, LoadingOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Checkbox, Flex, Input, Select, Typography } from 'antd';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n';
import { FINDING_TOPICS, type CachedMember, type FactField, type FindingTopic } from './api';
import { useField } from './FieldContext';
import { TOPIC_LABEL } from './parts';
import type { Fix } from './useLocation';

/** The findings checklist: the seven topics, each with a note once ticked. */
export type Findings = Partial<Record<FindingTopic, string>>;

export function FindingsField({ value = {}, onChange }: { value?: Findings; onChange?: (v: Findings) => void }) {
  const { t } = useI18n();
  return (
    <div className="tz-findings" data-testid="findings">
      {FINDING_TOPICS.map((topic) => {
        const isChecked = value[topic] !== undefined;
        return (
          <div key={topic} className={`tz-finding${isChecked ? ' is-checked' : ''}`}>
            <Checkbox
              checked={isChecked}
              data-testid={`finding-${topic}`}
              onChange={(e) => {
                const next = { ...value };
                if (e.target.checked) next[topic] = '';
                else delete next[topic];
                onChange?.(next);
              }}
            >
              {t(TOPIC_LABEL[topic])}
            </Checkbox>
            {isChecked && (
              <Input.TextArea
                autoSize={{ minRows: 1, maxRows: 4 }}
                maxLength={500}
                placeholder={t('field.visit.findingNote')}
                aria-label={`${t(TOPIC_LABEL[topic])} ${t('field.visit.findingNote')}`}
                value={value[topic]}
                onChange={(e) => onChange?.({ ...value, [topic]: e.target.value })}
                style={{ marginTop: 6 }}
              />
            )}
          </div>
        );
      })}
    </div>
  );
}

/** A fact learned at the door about one member of the household. */
export interface FactDraft {
  key: string;
  residentId: string;
  field: FactField;
  value: string;
}

const FACT_FIELDS: { field: FactField; label: MessageKey }[] = [
  { field: 'phone', label: 'field.fact.phone' },
  { field: 'living_alone', label: 'field.fact.living_alone' },
  { field: 'status', label: 'field.fact.status' },
  { field: 'care_tag_add', label: 'field.fact.care_tag_add' },
  { field: 'care_tag_remove', label: 'field.fact.care_tag_remove' },
  { field: 'notes', label: 'field.fact.notes' },
];

let nextFactKey = 0;

function FactValue({ fact, onChange }: { fact: FactDraft; onChange: (value: string) => void }) {
  const { t } = useI18n();
  const { cache } = useField();
  const tags = (cache?.careTags ?? []).map((tag) => ({ value: tag.code, label: tag.name }));
  switch (fact.field) {
    case 'living_alone':
      return (
        <Select
          value={fact.value === '' ? undefined : fact.value}
          onChange={onChange}
          placeholder={t('field.fact.value')}
          options={[
            { value: 'true', label: t('field.fact.yes') },
            { value: 'false', label: t('field.fact.no') },
          ]}
        />
      );
    case 'status':
      return (
        <Select
          value={fact.value === '' ? undefined : fact.value}
          onChange={onChange}
          placeholder={t('field.fact.value')}
          options={[
            { value: 'living', label: t('resident.status.living') },
            { value: 'moved_out', label: t('resident.status.moved_out') },
            { value: 'deceased', label: t('resident.status.deceased') },
          ]}
        />
      );
    case 'care_tag_add':
    case 'care_tag_remove':
      return (
        <Select
          value={fact.value === '' ? undefined : fact.value}
          onChange={onChange}
          placeholder={t('field.fact.value')}
          options={tags}
        />
      );
    case 'phone':
      return (
        <Input
          type="tel"
          inputMode="tel"
          maxLength={20}
          value={fact.value}
          placeholder={t('field.fact.phonePlaceholder')}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'notes':
      return <Input maxLength={200} value={fact.value} onChange={(e) => onChange(e.target.value)} />;
  }
}

/** 了解到的新情况: each becomes a proposed change to the household ledger. */
export function FactsField({
  members,
  value = [],
  onChange,
}: {
  members: CachedMember[];
  value?: FactDraft[];
  onChange?: (facts: FactDraft[]) => void;
}) {
  const { t } = useI18n();
  const update = (key: string, patch: Partial<FactDraft>) =>
    onChange?.(value.map((f) => (f.key === key ? { ...f, ...patch } : f)));
  return (
    <Flex vertical gap={10} data-testid="facts">
      {value.map((fact) => {
        return (
          <div key={fact.key} className="tz-fact">
            <Flex gap={6}>
              <Select
                style={{ flex: 1, minWidth: 0 }}
                value={fact.field}
                aria-label={t('field.fact.field')}
                options={FACT_FIELDS.map((f) => ({ value: f.field, label: t(f.label) }))}
                onChange={(field: FactField) => update(fact.key, { field, value: '' })}
              />
              <Button
                icon={<DeleteOutlined />}
                aria-label={t('field.fact.remove')}
                onClick={() => onChange?.(value.filter((f) => f.key !== fact.key))}
              />
            </Flex>
            <Select
              style={{ width: '100%', marginTop: 6 }}
              value={fact.residentId === '' ? undefined : fact.residentId}
              placeholder={t('field.fact.who')}
              aria-label={t('field.fact.who')}
              options={members.map((m) => ({ value: m.id, label: `${m.name}（${m.relation}）` }))}
              onChange={(residentId: string) => update(fact.key, { residentId })}
            />
            <div style={{ marginTop: 6 }}>
              <FactValue fact={fact} onChange={(v) => update(fact.key, { value: v })} />
            </div>
          </div>
        );
      })}
      <Button
        icon={<PlusOutlined />}
        onClick={() =>
          onChange?.([
            ...value,
            { key: `fact-${(nextFactKey += 1)}`, residentId: members[0]?.id ?? '', field: 'phone', value: '' },
          ])
        }
        data-testid="add-fact"
      >
        {t('field.fact.add')}
      </Button>
    </Flex>
  );
}

/** Whether a fact is complete enough to send. */
export const isFactComplete = (fact: FactDraft) => fact.value.trim() !== '' && fact.residentId !== '';

/** The phone's position for the record: found, looking, or not available (the record goes without). */
export function PositionLine({ fix, onLocate }: { fix: Fix; onLocate: () => void }) {
  const { t } = useI18n();
  return (
    <Flex justify="space-between" align="center" gap={8} data-testid="position" data-state={fix.state}>
      <Typography.Text type={fix.state === 'found' ? undefined : 'secondary'}>
        {fix.state === 'locating' && (
          <>
            <LoadingOutlined /> {t('phone.new.locating')}
          </>
        )}
        {fix.state === 'found' &&
          t('field.position.found', { lng: fix.point.lng.toFixed(5), lat: fix.point.lat.toFixed(5), m: fix.accuracy })}
        {fix.state === 'failed' && t('field.position.failed')}
        {fix.state === 'unavailable' && t('field.position.unavailable')}
      </Typography.Text>
      {fix.state !== 'unavailable' && fix.state !== 'locating' && (
        <Button size="small" icon={<AimOutlined />} onClick={onLocate}>
          {t('field.position.again')}
        </Button>
      )}
    </Flex>
  );
}

/** The duty item a case is about, picked from the items cached on the phone. */
export function DutyItemField({
  id,
  value,
  onChange,
}: {
  id?: string;
  value?: string;
  onChange?: (code: string | undefined) => void;
}) {
  const { t } = useI18n();
  const { cache } = useField();
  return (
    <Select
      id={id}
      allowClear
      value={value}
      onChange={onChange}
      placeholder={t('field.case.dutyPlaceholder')}
      showSearch={{ optionFilterProp: 'label' }}
      options={(cache?.cache.dutyItems ?? []).map((item) => ({ value: item.code, label: item.name }))}
      data-testid="duty-item"
    />
  );
}
