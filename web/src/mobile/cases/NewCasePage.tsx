import { App, Alert, Button, Flex, Form, Input, Switch, Typography, type FormInstance } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { useAuth } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { useFormDraft } from '../elder/draft';
import { VoiceTextArea } from '../elder/VoiceTextArea';
import { useI18n, type I18n } from '../i18n';
import { PhoneLayout } from '../PhoneLayout';
import {
  submitMyCase,
  useFollowCase,
  useRefreshAfterReport,
  type DuplicateCase,
  type IntakeBody,
  type PublicDutyItem,
} from './api';
import { CategoryField } from './CategoryField';
import { DuplicatesPanel } from './DuplicatesPanel';
import { LocationField, type Point } from './LocationField';
import { MAX_PHOTOS, PhotoField, type PhotoDraft } from './PhotoField';

interface ReportForm {
  duty?: PublicDutyItem;
  description: string;
  photos: PhotoDraft[];
  point: Point | null;
  address?: string;
  contactPhone?: string;
  isAnonymous: boolean;
}

const PHONE = /^1\d{10}$|^0\d{2,3}-?\d{7,8}$/;

/** What a draft of the report keeps: not the photos (files), nor the phone number (see elder/draft.ts). */
const DRAFT_FIELDS = ['description', 'duty', 'point', 'address', 'isAnonymous'] as const;

/** The form field that shows a server error about `field` (photos.3 → photos, lng → point). */
function formFieldOf(field: string): keyof ReportForm | null {
  const top = field.split('.')[0] ?? '';
  if (top === 'dutyCode') return 'duty';
  if (top === 'lng' || top === 'lat') return 'point';
  if (['description', 'photos', 'address', 'contactPhone', 'isAnonymous'].includes(top)) {
    return top as keyof ReportForm;
  }
  return null;
}

/**
 * Puts each field error of a refused report beside its field; a 413 without a field is about the
 * photos. Returns the message to show above the button when some error has no field to go to.
 */
function showReportErrors(form: FormInstance<ReportForm>, error: unknown, i18n: I18n): string | null {
  if (!(error instanceof ApiError)) return errorText(error, i18n);
  const byField = new Map<keyof ReportForm, string[]>();
  let isUnplaced = false;
  for (const e of error.errors) {
    const name = formFieldOf(e.field);
    if (name === null) isUnplaced = true;
    else byField.set(name, [...(byField.get(name) ?? []), i18n.pick({ zh: e.message_zh, en: e.message_en })]);
  }
  if (error.status === 413 && byField.size === 0) byField.set('photos', [errorText(error, i18n)]);
  form.setFields([...byField.entries()].map(([name, errors]) => ({ name, errors })));
  if (isUnplaced || byField.size === 0) return errorText(error, i18n);
  return i18n.t('phone.new.fixErrors');
}

function toBody(values: ReportForm, force: boolean): IntakeBody {
  const address = values.address?.trim() ?? '';
  const phone = values.contactPhone?.trim() ?? '';
  return {
    dutyCode: values.duty?.code ?? '',
    description: values.description.trim(),
    ...(values.point !== null ? { lng: values.point.lng, lat: values.point.lat } : {}),
    ...(address !== '' ? { address } : {}),
    ...(phone !== '' ? { contactPhone: phone } : {}),
    isAnonymous: values.isAnonymous,
    force,
  };
}

/** 我要反映: what (in her words; the category is suggested from them), where, photos and how to reach her; open cases of the same kind nearby are offered first. */
export function NewCasePage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<ReportForm>();
  const refresh = useRefreshAfterReport();
  const follow = useFollowCase();
  const [isSubmitting, setSubmitting] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [duplicates, setDuplicates] = useState<DuplicateCase[] | null>(null);
  // what she typed outlives a reload and a session that ran out while she wrote (elder/draft.ts)
  const draft = useFormDraft<ReportForm>({ name: 'report', owner: useAuth().me?.id, fields: DRAFT_FIELDS });
  // what she writes suggests the category (the field below the description)
  const description = Form.useWatch('description', form) ?? '';

  const send = async (force: boolean) => {
    const values = form.getFieldsValue(true) as ReportForm;
    setSubmitting(true);
    setProblem(null);
    try {
      const answer = await submitMyCase(
        toBody(values, force),
        values.photos.map((p) => p.file),
      );
      await refresh(answer.case);
      if (answer.case === null) {
        setDuplicates(answer.duplicates);
        window.scrollTo({ top: 0 });
        return;
      }
      draft.clear();
      void message.success(t('phone.new.submitted', { number: answer.case.number }));
      void navigate(`/m/cases/${answer.case.id}`, { replace: true });
    } catch (error) {
      setDuplicates(null);
      setProblem(showReportErrors(form, error, i18n));
    } finally {
      setSubmitting(false);
    }
  };

  const followCase = async (id: string) => {
    const { point } = form.getFieldsValue(true) as ReportForm;
    try {
      await follow.mutateAsync({ id, from: point });
      draft.clear();
      void message.success(t('phone.dup.followed'));
      void navigate(`/m/cases/${id}`, { replace: true });
    } catch (error) {
      void message.error(errorText(error, i18n));
    }
  };

  return (
    <PhoneLayout title={t('phone.new.title')} back="/m/cases">
      {duplicates !== null && (
        <DuplicatesPanel
          duplicates={duplicates}
          followingId={follow.isPending ? (follow.variables?.id ?? null) : null}
          isSubmitting={isSubmitting}
          onFollow={(id) => void followCase(id)}
          onSubmitAnyway={() => void send(true)}
          onBack={() => setDuplicates(null)}
        />
      )}
      <Form<ReportForm>
        form={form}
        layout="vertical"
        size="large"
        className="tz-phone-form"
        style={duplicates !== null ? { display: 'none' } : undefined}
        initialValues={{ description: '', photos: [], point: null, isAnonymous: false, ...draft.restored }}
        onValuesChange={(changed: Partial<ReportForm>, all: ReportForm) => {
          form.setFields((Object.keys(changed) as (keyof ReportForm)[]).map((name) => ({ name, errors: [] })));
          draft.keep(all);
        }}
        onFinish={() => void send(false)}
        onFinishFailed={() => setProblem(null)}
        scrollToFirstError={{ block: 'center' }}
        data-testid="report-form"
      >
        {draft.isRestored && (
          <Alert
            type="info"
            showIcon
            title={t('elder.draft.restored')}
            style={{ marginBottom: 12 }}
            data-testid="draft-restored"
            action={
              <Button
                onClick={() => {
                  draft.clear();
                  form.resetFields();
                  form.setFieldsValue({
                    description: '',
                    photos: [],
                    point: null,
                    isAnonymous: false,
                    duty: undefined,
                  });
                }}
              >
                {t('elder.draft.discard')}
              </Button>
            }
          />
        )}
        <section className="tz-phone-section">
          <Form.Item
            name="description"
            label={t('phone.new.description')}
            rules={[
              { required: true, whitespace: true, message: t('phone.new.descriptionShort') },
              { min: 2, message: t('phone.new.descriptionShort') },
            ]}
          >
            <VoiceTextArea
              autoSize={{ minRows: 4, maxRows: 8 }}
              maxLength={2000}
              showCount
              placeholder={t('phone.new.descriptionPlaceholder')}
            />
          </Form.Item>
          <Form.Item
            name="duty"
            label={t('phone.new.category')}
            rules={[{ required: true, message: t('phone.new.categoryRequired') }]}
          >
            <CategoryField suggestFrom={description} />
          </Form.Item>
          <Form.Item name="photos" label={t('phone.new.photos', { n: MAX_PHOTOS })}>
            <PhotoField />
          </Form.Item>
        </section>
        <section className="tz-phone-section">
          <Form.Item
            name="point"
            label={t('phone.new.location')}
            rules={[{ required: true, message: t('phone.new.locationRequired') }]}
          >
            <LocationField />
          </Form.Item>
          <Form.Item name="address" label={t('phone.new.address')}>
            <Input maxLength={200} placeholder={t('phone.new.addressPlaceholder')} />
          </Form.Item>
        </section>
        <section className="tz-phone-section">
          <Form.Item
            name="contactPhone"
            label={t('phone.new.contactPhone')}
            extra={t('phone.new.contactPhoneHint')}
            rules={[{ pattern: PHONE, message: t('phone.new.phoneInvalid') }]}
          >
            <Input type="tel" inputMode="tel" autoComplete="tel" maxLength={20} />
          </Form.Item>
          <Flex justify="space-between" align="center">
            <label htmlFor="report-anonymous" className="tz-phone-label">
              {t('phone.new.anonymous')}
            </label>
            <Form.Item name="isAnonymous" valuePropName="checked" noStyle>
              <Switch id="report-anonymous" />
            </Form.Item>
          </Flex>
          <Typography.Text type="secondary">{t('phone.new.anonymousHint')}</Typography.Text>
        </section>
        {problem !== null && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} role="alert" />}
        <Button type="primary" htmlType="submit" block size="large" loading={isSubmitting} data-testid="report-submit">
          {t('phone.new.submit')}
        </Button>
      </Form>
    </PhoneLayout>
  );
}
