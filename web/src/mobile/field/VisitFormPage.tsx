import { App, Alert, Button, Checkbox, Flex, Form, Input, Result, Segmented, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { useI18n } from '../i18n';
import { dayjs } from '../../shared/time';
import { MAX_PHOTOS, PhotoField, type PhotoDraft } from '../cases/PhotoField';
import { VISIT_KINDS, type VisitInput, type VisitKind } from './api';
import { useField } from './FieldContext';
import { FieldLayout } from './FieldLayout';
import {
  DutyItemField,
  FactsField,
  FindingsField,
  isFactComplete,
  PositionLine,
  type FactDraft,
  type Findings,
} from './fields';
import { useHouseholdView } from './households';
import { KIND_LABEL, TOPIC_LABEL } from './parts';
import { newClientId } from './sync';
import { useDevicePosition } from './useLocation';

interface VisitForm {
  kind: VisitKind;
  visitedAt: string;
  findings: Findings;
  note: string;
  photos: PhotoDraft[];
  facts: FactDraft[];
  opensCase: boolean;
  dutyItemCode?: string;
  caseDescription: string;
  isUrgent: boolean;
}

const LOCAL_MINUTE = 'YYYY-MM-DDTHH:mm';

/**
 * 记录走访: kind, findings, note, photos and position; facts learned become proposed changes; a
 * finding may open a case in the same tap. Saved on the phone first, sent when there is a network.
 */
export function VisitFormPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const household = useHouseholdView(id);
  const { sync } = useField();
  const { fix, locate } = useDevicePosition();
  const [form] = Form.useForm<VisitForm>();
  const opensCase = Form.useWatch('opensCase', form) ?? false;
  const [isSaving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  if (household === undefined) {
    return (
      <FieldLayout title={t('field.visit.title')} back="/m/field">
        <Result status="404" title={t('field.household.notFound')} />
      </FieldLayout>
    );
  }

  const save = async (values: VisitForm) => {
    const visitedAt = dayjs(values.visitedAt, LOCAL_MINUTE);
    if (!visitedAt.isValid() || visitedAt.isAfter(dayjs().add(1, 'minute'))) {
      form.setFields([{ name: 'visitedAt', errors: [t('field.visit.timeInFuture')] }]);
      return;
    }
    const findings = Object.entries(values.findings).map(([topic, note]) => ({
      topic: topic as keyof Findings,
      ...(note !== undefined && note.trim() !== '' ? { note: note.trim() } : {}),
    }));
    const facts = values.facts.filter(isFactComplete).flatMap((f) => {
      const member = household.members.find((m) => m.id === f.residentId);
      if (member === undefined) return [];
      const value = f.field === 'living_alone' ? f.value === 'true' : f.value.trim();
      return [{ residentId: member.id, field: f.field, value, baseVersion: member.version }];
    });
    const photos = values.photos.map((p) => ({ clientId: newClientId(), file: p.file, name: p.file.name }));
    const payload: VisitInput = {
      householdId: household.id,
      visitedAt: visitedAt.toISOString(),
      kind: values.kind,
      findings,
      ...(fix.state === 'found' ? { location: fix.point } : {}),
      ...(values.note.trim() !== '' ? { note: values.note.trim() } : {}),
      ...(photos.length > 0 ? { photoClientIds: photos.map((p) => p.clientId) } : {}),
      ...(facts.length > 0 ? { facts } : {}),
      ...(values.opensCase
        ? {
            openCase: {
              description: values.caseDescription.trim(),
              priority: values.isUrgent ? ('urgent' as const) : ('normal' as const),
              ...(values.dutyItemCode !== undefined ? { dutyItemCode: values.dutyItemCode } : {}),
            },
          }
        : {}),
    };
    const topics = findings.map((f) => t(TOPIC_LABEL[f.topic])).join('、');
    setSaving(true);
    setProblem(null);
    try {
      await sync.enqueue({
        op: { clientId: newClientId(), kind: 'visit', payload },
        label: {
          householdId: household.id,
          address: household.address,
          summary: [t(KIND_LABEL[values.kind]), topics, values.opensCase ? t('field.visit.withCase') : '']
            .filter(Boolean)
            .join(' · '),
        },
        photos,
      });
      void message.success(sync.getState().isOnline ? t('field.saved.online') : t('field.saved.offline'));
      void navigate(`/m/field/h/${household.id}`, { replace: true });
    } catch {
      setProblem(t('field.saved.failed'));
    } finally {
      setSaving(false);
    }
  };

  return (
    <FieldLayout title={t('field.visit.title')} back={`/m/field/h/${household.id}`}>
      <Typography.Paragraph strong style={{ margin: '0 2px 10px' }}>
        {household.address}
      </Typography.Paragraph>
      <Form<VisitForm>
        form={form}
        layout="vertical"
        size="large"
        className="tz-phone-form"
        initialValues={{
          kind: 'routine',
          visitedAt: dayjs().format(LOCAL_MINUTE),
          findings: {},
          note: '',
          photos: [],
          facts: [],
          opensCase: false,
          caseDescription: '',
          isUrgent: false,
        }}
        onFinish={(v) => void save(v)}
        scrollToFirstError={{ block: 'center' }}
        data-testid="visit-form"
      >
        <section className="tz-phone-section">
          <Form.Item name="kind" label={t('field.visit.kind')}>
            <Segmented block options={VISIT_KINDS.map((k) => ({ value: k, label: t(KIND_LABEL[k]) }))} />
          </Form.Item>
          <Form.Item name="visitedAt" label={t('field.visit.time')}>
            <Input type="datetime-local" max={dayjs().format(LOCAL_MINUTE)} data-testid="visited-at" />
          </Form.Item>
          <Form.Item label={t('field.visit.position')}>
            <PositionLine fix={fix} onLocate={locate} />
          </Form.Item>
        </section>
        <section className="tz-phone-section">
          <Form.Item name="findings" label={t('field.visit.findings')}>
            <FindingsField />
          </Form.Item>
          <Form.Item name="note" label={t('field.visit.note')}>
            <Input.TextArea
              autoSize={{ minRows: 3, maxRows: 8 }}
              maxLength={2000}
              showCount
              placeholder={t('field.visit.notePlaceholder')}
            />
          </Form.Item>
          <Form.Item name="photos" label={t('phone.new.photos', { n: MAX_PHOTOS })}>
            <PhotoField />
          </Form.Item>
        </section>
        <section className="tz-phone-section">
          <Form.Item name="facts" label={t('field.visit.facts')} extra={t('field.visit.factsHint')}>
            <FactsField members={household.members} />
          </Form.Item>
        </section>
        <section className="tz-phone-section">
          <Flex justify="space-between" align="center">
            <label htmlFor="visit-opens-case" className="tz-phone-label">
              {t('field.visit.opensCase')}
            </label>
            <Form.Item name="opensCase" valuePropName="checked" noStyle>
              <Switch id="visit-opens-case" data-testid="opens-case" />
            </Form.Item>
          </Flex>
          <Typography.Text type="secondary">{t('field.visit.opensCaseHint')}</Typography.Text>
          {opensCase && (
            <div style={{ marginTop: 12 }}>
              <Form.Item name="dutyItemCode" label={t('field.case.duty')}>
                <DutyItemField />
              </Form.Item>
              <Form.Item
                name="caseDescription"
                label={t('field.case.description')}
                rules={[
                  { required: true, whitespace: true, message: t('phone.new.descriptionShort') },
                  { min: 2, message: t('phone.new.descriptionShort') },
                ]}
              >
                <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} data-testid="case-description" />
              </Form.Item>
              <Form.Item name="isUrgent" valuePropName="checked" noStyle>
                <Checkbox>{t('field.case.urgent')}</Checkbox>
              </Form.Item>
            </div>
          )}
        </section>
        {problem !== null && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} role="alert" />}
        <Button type="primary" htmlType="submit" block size="large" loading={isSaving} data-testid="visit-save">
          {t('field.visit.save')}
        </Button>
      </Form>
    </FieldLayout>
  );
}
