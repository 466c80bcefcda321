import { App, Alert, Button, Checkbox, Form, Input, Select } from 'antd';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { useI18n } from '../i18n';
import { MAX_PHOTOS, PhotoField, type PhotoDraft } from '../cases/PhotoField';
import type { CaseInput } from './api';
import { useField } from './FieldContext';
import { FieldLayout } from './FieldLayout';
import { DutyItemField, PositionLine } from './fields';
import { newClientId } from './sync';
import { useDevicePosition } from './useLocation';

interface ReportForm {
  householdId?: string;
  dutyItemCode?: string;
  description: string;
  isUrgent: boolean;
  photos: PhotoDraft[];
}

/** 上报事件: a case she found on her rounds, with photos and position; saved on the phone, sent when online. */
export function ReportPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { cache, sync } = useField();
  const { fix, locate } = useDevicePosition();
  const [form] = Form.useForm<ReportForm>();
  const [isSaving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const households = cache?.cache.households ?? [];
  const initialHousehold = params.get('household') ?? undefined;

  const save = async (values: ReportForm) => {
    const photos = values.photos.map((p) => ({ clientId: newClientId(), file: p.file, name: p.file.name }));
    const household = households.find((h) => h.id === values.householdId);
    const location =
      fix.state === 'found'
        ? fix.point
        : household?.lng !== undefined && household.lng !== null && household.lat !== null
          ? { lng: household.lng, lat: household.lat }
          : undefined;
    const payload: CaseInput = {
      description: values.description.trim(),
      priority: values.isUrgent ? 'urgent' : 'normal',
      ...(household !== undefined ? { householdId: household.id } : {}),
      ...(location !== undefined ? { location } : {}),
      ...(values.dutyItemCode !== undefined ? { dutyItemCode: values.dutyItemCode } : {}),
      ...(photos.length > 0 ? { photoClientIds: photos.map((p) => p.clientId) } : {}),
    };
    const duty = cache?.cache.dutyItems.find((d) => d.code === values.dutyItemCode);
    setSaving(true);
    setProblem(null);
    try {
      await sync.enqueue({
        op: { clientId: newClientId(), kind: 'case', payload },
        label: {
          ...(household !== undefined ? { householdId: household.id, address: household.address } : {}),
          summary: [t('field.report.label'), duty?.name ?? '', payload.description.slice(0, 30)]
            .filter(Boolean)
            .join(' · '),
        },
        photos,
      });
      void message.success(sync.getState().isOnline ? t('field.saved.online') : t('field.saved.offline'));
      void navigate(household !== undefined ? `/m/field/h/${household.id}` : '/m/field/sync', { replace: true });
    } catch {
      setProblem(t('field.saved.failed'));
    } finally {
      setSaving(false);
    }
  };

  return (
    <FieldLayout
      title={t('field.report.title')}
      back={initialHousehold !== undefined ? `/m/field/h/${initialHousehold}` : undefined}
    >
      <Form<ReportForm>
        form={form}
        layout="vertical"
        size="large"
        className="tz-phone-form"
        initialValues={{ householdId: initialHousehold, description: '', isUrgent: false, photos: [] }}
        onFinish={(v) => void save(v)}
        scrollToFirstError={{ block: 'center' }}
        data-testid="field-report-form"
      >
        <section className="tz-phone-section">
          <Form.Item name="householdId" label={t('field.report.household')} extra={t('field.report.householdHint')}>
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('field.report.householdPlaceholder')}
              options={households.map((h) => ({ value: h.id, label: h.address }))}
            />
          </Form.Item>
          <Form.Item name="dutyItemCode" label={t('field.case.duty')}>
            <DutyItemField />
          </Form.Item>
          <Form.Item
            name="description"
            label={t('field.case.description')}
            rules={[
              { required: true, whitespace: true, message: t('phone.new.descriptionShort') },
              { min: 2, message: t('phone.new.descriptionShort') },
            ]}
          >
            <Input.TextArea
              autoSize={{ minRows: 4, maxRows: 8 }}
              maxLength={2000}
              showCount
              placeholder={t('phone.new.descriptionPlaceholder')}
            />
          </Form.Item>
          <Form.Item name="isUrgent" valuePropName="checked">
            <Checkbox>{t('field.case.urgent')}</Checkbox>
          </Form.Item>
        </section>
        <section className="tz-phone-section">
          <Form.Item name="photos" label={t('phone.new.photos', { n: MAX_PHOTOS })}>
            <PhotoField />
          </Form.Item>
          <Form.Item label={t('field.visit.position')}>
            <PositionLine fix={fix} onLocate={locate} />
          </Form.Item>
        </section>
        {problem !== null && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} role="alert" />}
        <Button type="primary" htmlType="submit" block size="large" loading={isSaving} data-testid="report-save">
          {t('field.report.save')}
        </Button>
      </Form>
    </FieldLayout>
  );
}
