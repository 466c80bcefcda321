import { AimOutlined, DeleteOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Checkbox, Col, Drawer, Flex, Form, Input, Radio, Row, Typography, type UploadFile } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { CaseIntakeBody, CaseIntakeResult, DuplicateCandidate } from '../../../api/types';
import { useAuth } from '../../../shared/auth';
import { clearErrorsOnChange, errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { DutyItemSelect } from '../duties/DutyItemSelect';
import { SuggestedDuties } from '../duties/SuggestedDuties';
import { useMeta, useOrgMap } from '../orgs/queries';
import { OrgUnitSelect } from '../orgs/OrgUnitSelect';
import { CaseMap, type LngLat } from './CaseMap';
import { DuplicateOffer } from './DuplicateOffer';
import { PhotoPicker, pickedFiles } from './PhotoPicker';
import { applyCaseChange, postWithPhotos } from './queries';
import { CHANNEL_LABEL, STAFF_CHANNELS } from './vocabulary';

interface IntakeForm {
  channel: (typeof STAFF_CHANNELS)[number];
  dutyCode?: string;
  priority: 'normal' | 'urgent';
  description: string;
  orgId?: string;
  address?: string;
  contactName?: string;
  contactPhone?: string;
  isAnonymous: boolean;
  photos?: UploadFile[];
  /** holds the server's complaint about the pinned point (the map is its control) */
  lng?: number;
}

/** The fields the server may name in an error, each shown beside its control. */
const FIELDS = ['channel', 'dutyCode', 'priority', 'description', 'orgId', 'address', 'contactName', 'contactPhone'];

/** The form's values as the intake body: empty text left out, the pin preferred to the unit. */
function toBody(values: IntakeForm, point: LngLat | undefined, force: boolean): CaseIntakeBody {
  const text = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
  const optional = {
    dutyCode: values.dutyCode,
    address: text(values.address),
    contactName: text(values.contactName),
    contactPhone: text(values.contactPhone),
    ...(point === undefined ? { orgId: values.orgId } : { lng: point[0], lat: point[1] }),
  };
  return {
    channel: values.channel,
    priority: values.priority,
    description: values.description.trim(),
    isAnonymous: values.isAnonymous,
    force,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}

/**
 * 代录诉求: staff enter a phone call, a walk-in or a grid worker's report. When open cases of the
 * same item lie nearby the server offers them first; the user opens one or submits anyway.
 */
export function IntakeDrawer({ open, onClose }: { open: boolean; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { me } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [form] = Form.useForm<IntakeForm>();
  // what the caller says suggests the item (a tap fills the field; nothing is chosen for staff)
  const description = (Form.useWatch('description', form) as string | undefined) ?? '';
  const dutyCode = Form.useWatch<string | undefined>('dutyCode', form);
  const [point, setPoint] = useState<LngLat | undefined>();
  const [duplicates, setDuplicates] = useState<DuplicateCandidate[]>([]);
  const orgId = Form.useWatch('orgId', form);
  const meta = useMeta();
  const outlines = useOrgMap(orgId ?? me?.assignments[0]?.orgId);

  const submit = useMutation({
    mutationFn: ({ values, force }: { values: IntakeForm; force: boolean }) =>
      postWithPhotos<CaseIntakeResult>('/api/v1/cases', toBody(values, point, force), pickedFiles(values.photos)),
    onSuccess: async (result) => {
      if (result.case === null) {
        setDuplicates(result.duplicates);
        return;
      }
      void message.success(t('cases.intake.done', { number: result.case.number }));
      await applyCaseChange(queryClient, result.case);
      close();
      void navigate(`/cases/${result.case.id}`);
    },
    onError: (error) => {
      setDuplicates([]);
      if (!showFieldErrors(form, error, i18n, [...FIELDS, 'lng', 'photos'])) void message.error(errorText(error, i18n));
    },
  });

  function close() {
    form.resetFields();
    setPoint(undefined);
    setDuplicates([]);
    submit.reset();
    onClose();
  }

  const send = (force: boolean) => submit.mutate({ values: form.getFieldsValue(true) as IntakeForm, force });

  return (
    <Drawer
      title={t('cases.intake.title')}
      open={open}
      onClose={close}
      size={760}
      destroyOnHidden
      footer={
        <Flex justify="end" gap={8}>
          <Button onClick={close}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            loading={submit.isPending}
            onClick={() => form.submit()}
            disabled={duplicates.length > 0}
            data-testid="intake-submit"
          >
            {t('cases.intake.submit')}
          </Button>
        </Flex>
      }
    >
      {duplicates.length > 0 && (
        <DuplicateOffer
          duplicates={duplicates}
          isSubmitting={submit.isPending}
          onSubmitAnyway={() => send(true)}
          onBack={() => setDuplicates([])}
        />
      )}
      <Form<IntakeForm>
        form={form}
        layout="vertical"
        initialValues={{ channel: 'phone', priority: 'normal', isAnonymous: false }}
        onValuesChange={clearErrorsOnChange(form)}
        onFinish={() => send(false)}
        data-testid="intake-form"
        disabled={duplicates.length > 0}
      >
        <Row gutter={16}>
          <Col span={14}>
            <Form.Item name="channel" label={t('cases.channel')}>
              <Radio.Group
                optionType="button"
                options={STAFF_CHANNELS.map((c) => ({ value: c, label: t(CHANNEL_LABEL[c]) }))}
              />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name="priority" label={t('cases.priority')}>
              <Radio.Group
                optionType="button"
                options={[
                  { value: 'normal', label: t('cases.priority.normal') },
                  { value: 'urgent', label: t('cases.priority.urgent') },
                ]}
              />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="dutyCode" label={t('cases.category')} extra={t('cases.intake.dutyHint')}>
          <DutyItemSelect allowClear isDetailed data-testid="intake-duty" />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('cases.description')}
          rules={[
            { required: true, whitespace: true, message: t('common.required') },
            { min: 2, message: t('cases.intake.descriptionShort') },
          ]}
        >
          <Input.TextArea rows={4} maxLength={2000} showCount placeholder={t('cases.intake.descriptionPlaceholder')} />
        </Form.Item>
        <SuggestedDuties text={description} value={dutyCode} onPick={(code) => form.setFieldValue('dutyCode', code)} />
        <Form.Item
          name="orgId"
          label={t('cases.place')}
          extra={t('cases.intake.placeHint')}
          required
          rules={[
            {
              // a pin on the map places the case as well as a unit does
              validator: (_rule, value: string | undefined) =>
                point === undefined && value === undefined
                  ? Promise.reject(new Error(t('cases.intake.placeRequired')))
                  : Promise.resolve(),
            },
          ]}
          data-testid="intake-org"
        >
          <OrgUnitSelect allowClear placeholder={t('cases.intake.orgPlaceholder')} />
        </Form.Item>
        <Form.Item
          name="lng"
          label={
            <Flex gap={8} align="center">
              <AimOutlined />
              {point === undefined
                ? t('cases.intake.pinHint')
                : t('cases.intake.pinned', { lng: point[0].toFixed(5), lat: point[1].toFixed(5) })}
              {point !== undefined && (
                <Button size="small" type="link" icon={<DeleteOutlined />} onClick={() => setPoint(undefined)}>
                  {t('cases.intake.unpin')}
                </Button>
              )}
            </Flex>
          }
        >
          <CaseMap
            point={point}
            outlines={outlines.data}
            baseMap={meta.data?.map}
            onPick={(p) => {
              setPoint(p);
              form.setFields([
                { name: 'lng', errors: [] },
                { name: 'orgId', errors: [] },
              ]);
            }}
            height={220}
          />
        </Form.Item>
        <Form.Item name="address" label={t('cases.address')}>
          <Input maxLength={200} placeholder={t('cases.intake.addressPlaceholder')} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="contactName" label={t('cases.contactName')}>
              <Input maxLength={40} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="contactPhone" label={t('cases.contactPhone')}>
              <Input maxLength={20} inputMode="tel" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="isAnonymous" label={t('cases.anonymous')} valuePropName="checked">
              <Checkbox>{t('cases.intake.anonymousHint')}</Checkbox>
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          name="photos"
          label={t('cases.photos')}
          extra={<Typography.Text type="secondary">{t('cases.photo.limits')}</Typography.Text>}
        >
          <PhotoPicker />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
