import { useQueries, useQuery } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import type { FormInstance } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { ApiError, api, unwrap } from '../../../api/client';
import { errorText } from '../../../shared/errors';
import { fenFromYuan, yuan } from '../../../shared/fund-vocabulary';
import { useAuth } from '../../../shared/auth';
import { useI18n } from '../../app/i18n';
import { childrenQuery } from '../orgs/queries';
import { type FundItem, type Levy, useDecisions, useFundMutation, useLevies } from './queries';

type I18n = ReturnType<typeof useI18n>;

/** Puts the server's field errors on the form's fields, named by `fields` (server field → form field). */
function showMappedErrors(form: FormInstance, error: unknown, i18n: I18n, fields: Record<string, string>): boolean {
  if (!(error instanceof ApiError)) return false;
  const matched = error.errors.filter((e) => fields[e.field] !== undefined);
  form.setFields(
    matched.map((e) => ({ name: fields[e.field]!, errors: [i18n.pick({ zh: e.message_zh, en: e.message_en })] })),
  );
  return matched.length > 0;
}

/** The compounds (小区) directly under the units the user works at: where a fund can be opened. */
function useCompounds() {
  const { me } = useAuth();
  const units = [...new Set((me?.assignments ?? []).map((a) => a.orgId))];
  const children = useQueries({ queries: units.map((id) => childrenQuery(id)) });
  return children.flatMap((c) => (c.data ?? []).filter((u) => u.level === 'compound'));
}

/** 开设小区资金: one fund per compound; the new fund is chosen at once. */
export function OpenFund({ funds, onOpened }: { funds: FundItem[]; onOpened: (id: string) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [isOpen, setOpen] = useState(false);
  const [form] = Form.useForm<{ compoundId: string; name?: string }>();
  const compounds = useCompounds().filter((c) => !funds.some((f) => f.compoundId === c.id));
  const open = useFundMutation((body: { compoundId: string; name?: string }) =>
    unwrap(api.POST('/api/v1/funds', { body })),
  );
  return (
    <>
      <Button onClick={() => setOpen(true)} data-testid="fc-open">
        {t('fc.open')}
      </Button>
      {isOpen && (
        <Modal
          open
          title={t('fc.open')}
          onCancel={() => setOpen(false)}
          onOk={() => form.submit()}
          confirmLoading={open.isPending}
          okButtonProps={{ 'data-testid': 'fc-open-save' }}
        >
          <Form
            form={form}
            layout="vertical"
            onFinish={(v) =>
              open.mutate(
                { compoundId: v.compoundId, ...(v.name ? { name: v.name } : {}) },
                {
                  onSuccess: (fund) => {
                    setOpen(false);
                    onOpened(fund.id);
                  },
                  onError: (e) => {
                    if (!showMappedErrors(form, e, i18n, { compoundId: 'compoundId', name: 'name' })) {
                      form.setFields([{ name: 'compoundId', errors: [errorText(e, i18n)] }]);
                    }
                  },
                },
              )
            }
          >
            <Form.Item
              name="compoundId"
              label={t('fc.col.compound')}
              extra={compounds.length === 0 ? t('fc.open.noCompound') : undefined}
              rules={[{ required: true, message: t('fc.open.compoundRequired') }]}
            >
              <Select data-testid="fc-open-compound" options={compounds.map((c) => ({ value: c.id, label: c.name }))} />
            </Form.Item>
            <Form.Item name="name" label={t('fc.open.name')} extra={t('fc.open.nameHint')}>
              <Input maxLength={100} />
            </Form.Item>
          </Form>
        </Modal>
      )}
    </>
  );
}

/** A household of the compound's community, found by its address. */
function HouseholdPicker({
  orgId,
  value,
  onChange,
}: {
  orgId: string;
  value?: string;
  onChange?: (v: string) => void;
}) {
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: ['households', orgId, 'q', q],
    queryFn: () =>
      unwrap(api.GET('/api/v1/households', { params: { query: { orgId, pageSize: 20, ...(q === '' ? {} : { q }) } } })),
  });
  return (
    <Select
      showSearch
      value={value}
      onChange={onChange}
      filterOption={false}
      onSearch={setQ}
      data-testid="fc-owner-household"
      options={(found.data?.items ?? []).map((h) => ({ value: h.id, label: h.address }))}
    />
  );
}

/** 登记业主户: a household of the compound's community and its floor area (set again: the area changes). */
export function AddOwner({ fund }: { fund: FundItem }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const { me } = useAuth();
  const [isOpen, setOpen] = useState(false);
  const [form] = Form.useForm<{ householdId: string; areaM2: number }>();
  const ancestors = useQuery({
    queryKey: ['orgs', 'ancestors', fund.compoundId],
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/orgs/{id}/ancestors', { params: { path: { id: fund.compoundId } } }))).items,
    enabled: isOpen,
  });
  const community =
    ancestors.data?.find((u) => u.level === 'community')?.id ?? me?.assignments[0]?.orgId ?? fund.compoundId;
  const add = useFundMutation((body: { owners: { householdId: string; areaM2: number }[] }) =>
    unwrap(api.POST('/api/v1/funds/{id}/owners', { params: { path: { id: fund.id } }, body })),
  );
  return (
    <>
      <Button onClick={() => setOpen(true)} data-testid="fc-owner-add">
        {t('fc.owner.add')}
      </Button>
      {isOpen && (
        <Modal
          open
          title={t('fc.owner.add')}
          onCancel={() => setOpen(false)}
          onOk={() => form.submit()}
          confirmLoading={add.isPending}
          okButtonProps={{ 'data-testid': 'fc-owner-save' }}
        >
          <Form
            form={form}
            layout="vertical"
            onFinish={(v) =>
              add.mutate(
                { owners: [v] },
                {
                  onSuccess: () => {
                    void message.success(t('fc.owner.added'));
                    form.resetFields();
                  },
                  onError: (e) => {
                    const fields = { 'owners.0.householdId': 'householdId', 'owners.0.areaM2': 'areaM2' };
                    if (!showMappedErrors(form, e, i18n, fields)) {
                      void message.error(errorText(e, i18n));
                    }
                  },
                },
              )
            }
          >
            <Form.Item
              name="householdId"
              label={t('fc.household')}
              rules={[{ required: true, message: t('fc.owner.householdRequired') }]}
            >
              <HouseholdPicker orgId={community} />
            </Form.Item>
            <Form.Item
              name="areaM2"
              label={t('fc.col.area')}
              rules={[{ required: true, message: t('fc.owner.areaRequired') }]}
            >
              <InputNumber min={0.01} max={100000} precision={2} style={{ width: 200 }} data-testid="fc-owner-area" />
            </Form.Item>
          </Form>
        </Modal>
      )}
    </>
  );
}

interface LevyValues {
  title: string;
  basis: Levy['basis'];
  rate: string;
  decisionId?: string;
  dueOn: Dayjs;
}

type LevyInput = { title: string; basis: Levy['basis']; rateFen: number; decisionId?: string; dueOn: string };

/**
 * 业主筹资: the levies so far, and a new one that fixes every owner household's due at once; a levy nobody
 * has paid against yet can be corrected in the same form (修改), which fixes the dues again.
 */
export function LeviesTab({ fund }: { fund: FundItem }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const levies = useLevies(fund.id);
  const decisions = useDecisions(fund.id);
  const [form] = Form.useForm<LevyValues>();
  const basis = Form.useWatch('basis', form) ?? 'per_household';
  const [editing, setEditing] = useState<Levy | null>(null);
  const create = useFundMutation((body: LevyInput) =>
    unwrap(api.POST('/api/v1/funds/{id}/levies', { params: { path: { id: fund.id } }, body })),
  );
  const update = useFundMutation(({ levyId, body }: { levyId: string; body: LevyInput }) =>
    unwrap(api.PUT('/api/v1/funds/{id}/levies/{levyId}', { params: { path: { id: fund.id, levyId } }, body })),
  );
  const startEditing = (levy: Levy) => {
    setEditing(levy);
    form.setFieldsValue({
      title: levy.title,
      basis: levy.basis,
      rate: (levy.rateFen / 100).toFixed(2),
      decisionId: levy.decisionId ?? undefined,
      dueOn: dayjs(levy.dueOn),
    });
  };
  const stopEditing = () => {
    setEditing(null);
    form.resetFields();
  };
  const onFinish = (v: LevyValues) => {
    const rateFen = fenFromYuan(v.rate);
    if (rateFen === null || rateFen === 0) {
      form.setFields([{ name: 'rate', errors: [t('fc.amountInvalid')] }]);
      return;
    }
    const body: LevyInput = {
      title: v.title,
      basis: v.basis,
      rateFen,
      dueOn: v.dueOn.format('YYYY-MM-DD'),
      ...(v.decisionId === undefined || v.decisionId === null ? {} : { decisionId: v.decisionId }),
    };
    const onError = (e: Error) => {
      const fields = { title: 'title', basis: 'basis', rateFen: 'rate', decisionId: 'decisionId', dueOn: 'dueOn' };
      if (!showMappedErrors(form, e, i18n, fields)) {
        void message.error(errorText(e, i18n));
      }
    };
    if (editing !== null) {
      update.mutate(
        { levyId: editing.id, body },
        {
          onSuccess: (levy) => {
            void message.success(t('fc.levy.updated', { total: yuan(levy.totalFen), n: levy.households }));
            stopEditing();
          },
          onError,
        },
      );
      return;
    }
    create.mutate(body, {
      onSuccess: (levy) => {
        void message.success(t('fc.levy.created', { total: yuan(levy.totalFen), n: levy.households }));
        form.resetFields(['title', 'rate']);
      },
      onError,
    });
  };
  return (
    <>
      <Table<Levy>
        size="small"
        rowKey="id"
        loading={levies.isPending}
        dataSource={levies.data?.items ?? []}
        pagination={false}
        style={{ marginBottom: 16 }}
        data-testid="fc-levies"
        columns={[
          { title: t('fc.levy.title'), dataIndex: 'title' },
          { title: t('fc.levy.basis'), dataIndex: 'basis', render: (v: Levy['basis']) => t(`fc.levy.basis.${v}`) },
          {
            title: t('fc.levy.rate'),
            dataIndex: 'rateFen',
            align: 'right',
            render: (v: number, l) => t(`fc.levy.rate.${l.basis}`, { rate: yuan(v) }),
          },
          { title: t('fc.levy.households'), dataIndex: 'households', align: 'right' },
          { title: t('fc.levy.total'), dataIndex: 'totalFen', align: 'right', render: (v: number) => yuan(v) },
          { title: t('fc.levy.dueOn'), dataIndex: 'dueOn' },
          {
            key: 'edit',
            width: 80,
            render: (_, l) => (
              <Typography.Link onClick={() => startEditing(l)} data-testid="fc-levy-edit">
                {t('fc.levy.edit')}
              </Typography.Link>
            ),
          },
        ]}
      />
      <Typography.Title level={5}>
        {editing === null ? t('fc.levy.new') : t('fc.levy.editing', { title: editing.title })}
      </Typography.Title>
      {editing !== null && <Alert type="warning" showIcon title={t('fc.levy.editHint')} style={{ marginBottom: 12 }} />}
      {fund.ownerCount === 0 && (
        <Alert type="info" showIcon title={t('fc.levy.noOwners')} style={{ marginBottom: 12 }} />
      )}
      <Form
        form={form}
        layout="vertical"
        style={{ maxWidth: 520 }}
        initialValues={{ basis: 'per_household', dueOn: dayjs().add(30, 'day') }}
        onFinish={onFinish}
        data-testid="fc-levy-form"
      >
        <Form.Item name="title" label={t('fc.levy.title')} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={100} placeholder={t('fc.levy.titlePlaceholder')} data-testid="fc-levy-title" />
        </Form.Item>
        <Form.Item name="basis" label={t('fc.levy.basis')}>
          <Radio.Group optionType="button" data-testid="fc-levy-basis">
            {(['per_household', 'per_area', 'flat'] as const).map((b) => (
              <Radio.Button key={b} value={b}>
                {t(`fc.levy.basis.${b}`)}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="rate"
          label={t(`fc.levy.rateLabel.${basis}`)}
          rules={[{ required: true, message: t('fc.amountInvalid') }]}
        >
          <Input inputMode="decimal" placeholder="0.00" style={{ width: 200 }} data-testid="fc-levy-rate" />
        </Form.Item>
        <Form.Item name="decisionId" label={t('fc.decision')} extra={t('fc.levy.decisionHint')}>
          <Select allowClear options={(decisions.data?.items ?? []).map((d) => ({ value: d.id, label: d.title }))} />
        </Form.Item>
        <Form.Item name="dueOn" label={t('fc.levy.dueOn')} rules={[{ required: true }]}>
          <DatePicker allowClear={false} />
        </Form.Item>
        <Space>
          <Button
            type="primary"
            htmlType="submit"
            loading={create.isPending || update.isPending}
            data-testid="fc-levy-save"
          >
            {editing === null ? t('fc.levy.save') : t('fc.levy.update')}
          </Button>
          {editing !== null && <Button onClick={stopEditing}>{t('fc.levy.cancelEdit')}</Button>}
        </Space>
      </Form>
    </>
  );
}
