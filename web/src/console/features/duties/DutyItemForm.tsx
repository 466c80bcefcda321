import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, AutoComplete, Col, Form, Input, InputNumber, Row, Select, Switch } from 'antd';
import { api, unwrap } from '../../../api/client';
import type { DutyItem, DutyItemCreateBody, DutyKind } from '../../../api/types';
import { clearErrorsOnChange, errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { dutyKeys, useDutyList, useDutyVocabulary } from './queries';
import { DUTY_KINDS, KIND_LABEL, needsDepartment } from './vocabulary';

type FormValues = Omit<DutyItemCreateBody, 'department'> & { department?: DutyItemCreateBody['department'] };

const FIELDS = [
  'code',
  'category',
  'name',
  'kind',
  'department',
  'acceptHours',
  'resolveHours',
  'urgentAcceptHours',
  'urgentResolveHours',
  'legalBasis',
  'description',
  'keywords',
  'isPublic',
];

const DEFAULTS: Partial<FormValues> = {
  kind: 'community',
  acceptHours: 24,
  resolveHours: 120,
  urgentAcceptHours: 2,
  urgentResolveHours: 24,
  legalBasis: '',
  description: '',
  keywords: [],
  isPublic: true,
};

/**
 * Creates a duty item, or revises one: a revision is a new version (cases keep the one they were
 * routed under), based on the revision the user saw.
 */
export function DutyItemForm({
  formId,
  item,
  onSaved,
  onPendingChange,
}: {
  formId: string;
  /** null: a new item */
  item: DutyItem | null;
  onSaved: (item: DutyItem) => void;
  onPendingChange: (isPending: boolean) => void;
}) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const vocabulary = useDutyVocabulary();
  const all = useDutyList();
  const kind = Form.useWatch('kind', form) as DutyKind | undefined;
  const top = Form.useWatch(['category', 0], form) as string | undefined;
  const categories = (all.data?.items ?? []).map((i) => ({ top: i.category[0] ?? '', sub: i.category[1] ?? '' }));
  const unique = (values: string[]) => [...new Set(values)].filter((v) => v !== '').map((value) => ({ value }));

  const save = useMutation({
    mutationFn: (values: FormValues) => {
      const { code, ...fields } = values;
      const body = { ...fields, department: needsDepartment(values.kind) ? (values.department ?? null) : null };
      return item === null
        ? unwrap(api.POST('/api/v1/duties', { body: { ...body, code } }))
        : unwrap(
            api.PATCH('/api/v1/duties/{code}', {
              params: { path: { code: item.code } },
              body: { ...body, revision: item.revision },
            }),
          );
    },
    onMutate: () => onPendingChange(true),
    onSettled: () => onPendingChange(false),
    onSuccess: async (saved) => {
      void message.success(
        item === null ? t('duties.created', { code: saved.code }) : t('duties.revised', { n: saved.revision }),
      );
      await queryClient.invalidateQueries({ queryKey: dutyKeys.all });
      onSaved(saved);
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n, FIELDS)) void message.error(errorText(error, i18n));
    },
  });

  const hours = (name: keyof FormValues, label: string) => (
    <Col span={6}>
      <Form.Item name={name} label={label} rules={[{ required: true, message: t('common.required') }]}>
        <InputNumber min={0.5} max={8760} step={1} style={{ width: '100%' }} suffix={t('rates.hours')} />
      </Form.Item>
    </Col>
  );

  return (
    <Form<FormValues>
      id={formId}
      form={form}
      layout="vertical"
      initialValues={item ?? DEFAULTS}
      onValuesChange={clearErrorsOnChange(form)}
      onFinish={(values) => save.mutate(values)}
      data-testid="duty-form"
    >
      <Row gutter={12}>
        <Col span={8}>
          <Form.Item
            name="code"
            label={t('duties.code')}
            rules={[
              { required: true, message: t('common.required') },
              { pattern: /^[A-Z]{1,6}-\d{1,4}$/, message: t('duties.codeRule') },
            ]}
          >
            <Input disabled={item !== null} maxLength={11} placeholder="HJ-101" className="tz-mono" />
          </Form.Item>
        </Col>
        <Col span={16}>
          <Form.Item
            name="name"
            label={t('duties.name')}
            rules={[{ required: true, whitespace: true, min: 2, message: t('duties.nameRule') }]}
          >
            <Input maxLength={60} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name={['category', 0]}
            label={t('duties.categoryTop')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <AutoComplete options={unique(categories.map((c) => c.top))} maxLength={20} filterOption />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name={['category', 1]}
            label={t('duties.categorySub')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <AutoComplete
              options={unique(categories.filter((c) => c.top === top).map((c) => c.sub))}
              maxLength={20}
              filterOption
            />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name="kind"
            label={t('duties.kind')}
            rules={[{ required: true, message: t('common.required') }]}
            extra={kind === undefined ? null : t(`duties.kindHint.${kind}`)}
          >
            <Select
              options={DUTY_KINDS.map((k) => ({ value: k, label: t(KIND_LABEL[k]) }))}
              onChange={(k: DutyKind) => {
                if (!needsDepartment(k)) form.setFieldValue('department', null);
              }}
            />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name="department"
            label={t('duties.department')}
            rules={[{ required: needsDepartment(kind), message: t('duties.departmentRequired') }]}
          >
            <Select
              allowClear
              disabled={!needsDepartment(kind)}
              placeholder={needsDepartment(kind) ? undefined : t('duties.noDepartment')}
              options={(vocabulary.data?.departments ?? []).map((d) => ({ value: d.code, label: pick(d) }))}
              showSearch={{ optionFilterProp: 'label' }}
            />
          </Form.Item>
        </Col>
        {hours('acceptHours', t('duties.acceptHours'))}
        {hours('resolveHours', t('duties.resolveHours'))}
        {hours('urgentAcceptHours', t('duties.urgentAcceptHours'))}
        {hours('urgentResolveHours', t('duties.urgentResolveHours'))}
      </Row>
      <Form.Item name="legalBasis" label={t('duties.legalBasis')}>
        <Input.TextArea rows={2} maxLength={500} showCount />
      </Form.Item>
      <Form.Item name="description" label={t('duties.description')}>
        <Input.TextArea rows={3} maxLength={500} showCount />
      </Form.Item>
      <Form.Item name="keywords" label={t('duties.keywords')} extra={t('duties.keywordsHint')}>
        <Select mode="tags" tokenSeparators={[',', '，', '、', ' ']} open={false} suffixIcon={null} />
      </Form.Item>
      <Form.Item name="isPublic" label={t('duties.isPublic')} valuePropName="checked" extra={t('duties.isPublicHint')}>
        <Switch />
      </Form.Item>
    </Form>
  );
}
