import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Empty,
  Form,
  Input,
  Popconfirm,
  Radio,
  Segmented,
  Select,
  Space,
  Statistic,
  Table,
  Tabs,
  Tag,
  Typography,
  Upload,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { ApiError } from '../../../api/client';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { type FundSource, SOURCE_COLORS, fenFromYuan, yuan } from '../../../shared/fund-vocabulary';
import { useAuth } from '../../../shared/auth';
import { useI18n } from '../../app/i18n';
import type { MessageKey } from '../../app/messages';
import {
  type Claim,
  type Company,
  type FundItem,
  type Movement,
  type MovementBody,
  type Owner,
  useClaims,
  useCompanies,
  useCompanyFigures,
  useDecideClaim,
  useDecisions,
  useFunds,
  useLedger,
  useLevies,
  useOwners,
  useRecordMovement,
} from './queries';
import { AddOwner, LeviesTab, OpenFund } from './FundSetup';
import { ImportOwners } from './ImportOwners';

const INCOME = ['owner', 'subsidy', 'company'] as const;
const sourceLabel = (s: string) => `fund.source.${s}` as MessageKey;

function LedgerTab({ fund }: { fund: FundItem }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [month, setMonth] = useState<string | undefined>(undefined);
  const ledger = useLedger(fund.id, month);
  if (ledger.error !== null) return <Alert type="error" showIcon message={errorText(ledger.error, i18n)} />;
  const data = ledger.data;
  const s = data?.statement;
  return (
    <>
      <Space style={{ marginBottom: 12 }} wrap>
        <Segmented
          value={month ?? 'all'}
          onChange={(v) => setMonth(v === 'all' ? undefined : String(v))}
          options={[
            { label: t('fc.whole'), value: 'all' },
            ...(data?.months ?? []).map((m) => ({ label: m, value: m })),
          ]}
          data-testid="fc-month"
        />
        {month !== undefined && <Button onClick={() => window.print()}>{t('fc.print')}</Button>}
      </Space>
      {s !== undefined ? (
        <Card size="small" style={{ marginBottom: 12 }} data-testid="fc-statement">
          <Space size="large" wrap>
            <Statistic title={t('fc.opening')} value={yuan(s.openingFen)} />
            {INCOME.map((source) => (
              <Statistic key={source} title={t(sourceLabel(source))} value={yuan(s.incomeFen[source])} />
            ))}
            <Statistic title={t('fc.spendingTotal')} value={yuan(s.spendingFen)} />
            <Statistic title={t('fc.closing')} value={yuan(s.closingFen)} />
          </Space>
          {s.spendingByDecision.map((d) => (
            <div key={d.decisionId}>
              <Typography.Text type="secondary">
                {d.decision}：{yuan(d.spentFen)}
              </Typography.Text>
            </div>
          ))}
          <Alert
            style={{ marginTop: 8 }}
            type={s.isBalanced ? 'success' : 'error'}
            showIcon
            message={s.isBalanced ? t('fc.balanced') : t('fc.unbalanced')}
          />
        </Card>
      ) : null}
      <Table<Movement>
        size="small"
        rowKey="id"
        loading={ledger.isPending}
        dataSource={data?.movements ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          { title: t('fc.col.seq'), dataIndex: 'seq', width: 60 },
          { title: t('fc.col.date'), dataIndex: 'occurredOn', width: 110 },
          {
            title: t('fc.col.source'),
            dataIndex: 'source',
            render: (v: FundSource) => <Tag color={SOURCE_COLORS[v]}>{t(sourceLabel(v))}</Tag>,
          },
          {
            title: t('fc.col.amount'),
            dataIndex: 'amountFen',
            align: 'right',
            render: (v: number) => <Typography.Text type={v < 0 ? 'danger' : 'success'}>{yuan(v)}</Typography.Text>,
          },
          {
            title: t('fc.col.who'),
            render: (_, m) => (m.source === 'spending' ? m.purpose : (m.household ?? m.payer)),
          },
          { title: t('fc.col.decision'), dataIndex: 'decision' },
          {
            title: t('fc.col.receipt'),
            render: (_, m) => (
              <a href={`/api/v1/funds/${fund.id}/movements/${m.id}/receipt`} target="_blank" rel="noreferrer">
                {t('fc.viewReceipt')}
              </a>
            ),
          },
          { title: t('fc.col.by'), dataIndex: 'recordedByName' },
        ]}
      />
    </>
  );
}

interface RecordValues {
  source: MovementBody['source'];
  amount: string;
  occurredOn: Dayjs;
  householdId?: string;
  levyId?: string;
  decisionId?: string;
  companyId?: string;
  payer?: string;
  purpose?: string;
}

function RecordTab({ fund, companies }: { fund: FundItem; companies: Company[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<RecordValues>();
  const source = Form.useWatch('source', form) ?? 'owner';
  const [receipt, setReceipt] = useState<File | null>(null);
  const owners = useOwners(fund.id);
  const levies = useLevies(fund.id);
  const decisions = useDecisions(fund.id);
  const record = useRecordMovement(fund.id);
  const withContract = companies.filter((c) => c.contracts.some((k) => k.compoundId === fund.compoundId));
  const onFinish = async (v: RecordValues) => {
    const amountFen = fenFromYuan(v.amount);
    if (amountFen === null || amountFen === 0) {
      form.setFields([{ name: 'amount', errors: [t('fc.amountInvalid')] }]);
      return;
    }
    if (receipt === null) {
      void message.error(t('fc.receiptMissing'));
      return;
    }
    const body: MovementBody = {
      source: v.source,
      amountFen,
      occurredOn: v.occurredOn.format('YYYY-MM-DD'),
      ...(v.source === 'owner' && v.householdId !== undefined ? { householdId: v.householdId } : {}),
      ...(v.source === 'owner' && v.levyId !== undefined ? { levyId: v.levyId } : {}),
      ...(v.source === 'spending' && v.decisionId !== undefined ? { decisionId: v.decisionId } : {}),
      ...(v.source === 'company' && v.companyId !== undefined ? { companyId: v.companyId } : {}),
      ...(v.source === 'subsidy' && v.payer ? { payer: v.payer } : {}),
      ...(v.source === 'spending' && v.purpose ? { purpose: v.purpose } : {}),
    };
    try {
      const out = await record.mutateAsync({ body, receipt });
      void message.success(t('fc.saved', { balance: yuan(out.balanceFen) }));
      form.resetFields(['amount', 'householdId', 'purpose', 'payer']);
      setReceipt(null);
    } catch (error) {
      const amountError = error instanceof ApiError ? error.errors.find((e) => e.field === 'amountFen') : undefined;
      if (amountError !== undefined) {
        form.setFields([
          { name: 'amount', errors: [i18n.pick({ zh: amountError.message_zh, en: amountError.message_en })] },
        ]);
      } else if (
        !showFieldErrors(form, error, i18n, [
          'occurredOn',
          'householdId',
          'levyId',
          'decisionId',
          'companyId',
          'payer',
          'purpose',
        ])
      ) {
        void message.error(errorText(error, i18n));
      }
    }
  };
  return (
    <Form
      form={form}
      layout="vertical"
      style={{ maxWidth: 520 }}
      initialValues={{ source: 'owner', occurredOn: dayjs() }}
      onFinish={(v) => void onFinish(v)}
      data-testid="fc-record"
    >
      <Form.Item name="source" label={t('fc.source')}>
        <Radio.Group optionType="button" data-testid="fc-source">
          {(['owner', 'subsidy', 'company', 'spending'] as const).map((s) => (
            <Radio.Button key={s} value={s}>
              {t(sourceLabel(s))}
            </Radio.Button>
          ))}
        </Radio.Group>
      </Form.Item>
      <Form.Item name="amount" label={t('fc.amount')} rules={[{ required: true, message: t('fc.amountInvalid') }]}>
        <Input inputMode="decimal" placeholder="0.00" data-testid="fc-amount" />
      </Form.Item>
      <Form.Item name="occurredOn" label={t('fc.date')} rules={[{ required: true }]}>
        <DatePicker allowClear={false} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
      </Form.Item>
      {source === 'owner' ? (
        <>
          <Form.Item name="householdId" label={t('fc.household')} rules={[{ required: true }]}>
            <Select
              showSearch
              optionFilterProp="label"
              data-testid="fc-household"
              options={(owners.data?.items ?? []).map((o) => ({ value: o.householdId, label: o.address }))}
            />
          </Form.Item>
          <Form.Item name="levyId" label={t('fc.levy')}>
            <Select allowClear options={(levies.data?.items ?? []).map((l) => ({ value: l.id, label: l.title }))} />
          </Form.Item>
        </>
      ) : null}
      {source === 'subsidy' ? (
        <Form.Item name="payer" label={t('fc.payer')} rules={[{ required: true }]}>
          <Input maxLength={100} data-testid="fc-payer" />
        </Form.Item>
      ) : null}
      {source === 'company' ? (
        <Form.Item name="companyId" label={t('fc.company')} rules={[{ required: true }]}>
          <Select data-testid="fc-company" options={withContract.map((c) => ({ value: c.id, label: c.name }))} />
        </Form.Item>
      ) : null}
      {source === 'spending' ? (
        <>
          <Form.Item name="decisionId" label={t('fc.decision')} rules={[{ required: true }]}>
            <Select
              data-testid="fc-decision"
              options={(decisions.data?.items ?? []).map((d) => ({ value: d.id, label: d.title }))}
            />
          </Form.Item>
          <Form.Item name="purpose" label={t('fc.purpose')} rules={[{ required: true }]}>
            <Input maxLength={200} data-testid="fc-purpose" />
          </Form.Item>
        </>
      ) : null}
      <Form.Item label={t('fc.receipt')} required>
        <Upload
          accept="image/*"
          maxCount={1}
          beforeUpload={(file) => {
            setReceipt(file);
            return false;
          }}
          onRemove={() => setReceipt(null)}
          data-testid="fc-receipt"
        >
          <Button>{t('fc.receipt')}</Button>
        </Upload>
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={record.isPending} data-testid="fc-save">
        {t('fc.save')}
      </Button>
    </Form>
  );
}

function OwnersTab({ fund }: { fund: FundItem }) {
  const { t } = useI18n();
  const owners = useOwners(fund.id);
  return (
    <>
      <Space style={{ marginBottom: 12 }} size="large">
        <Typography.Text strong data-testid="fc-total-arrears">
          {t('fc.totalArrears', { total: yuan(owners.data?.totalArrearsFen ?? 0) })}
        </Typography.Text>
        <AddOwner fund={fund} />
        <ImportOwners fund={fund} />
      </Space>
      <Table<Owner>
        size="small"
        rowKey="householdId"
        loading={owners.isPending}
        dataSource={owners.data?.items ?? []}
        columns={[
          { title: t('fc.col.address'), dataIndex: 'address' },
          { title: t('fc.col.area'), dataIndex: 'areaM2', align: 'right' },
          { title: t('fc.col.due'), dataIndex: 'dueFen', align: 'right', render: (v: number) => yuan(v) },
          { title: t('fc.col.paid'), dataIndex: 'paidFen', align: 'right', render: (v: number) => yuan(v) },
          {
            title: t('fc.col.arrears'),
            dataIndex: 'arrearsFen',
            align: 'right',
            render: (v: number) => <Typography.Text type={v > 0 ? 'danger' : undefined}>{yuan(v)}</Typography.Text>,
          },
        ]}
      />
    </>
  );
}

function ClaimsTab({ fund }: { fund: FundItem }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const claims = useClaims(fund.id);
  const decide = useDecideClaim(fund.id);
  const [note, setNote] = useState('');
  const act = async (claimId: string, isConfirmed: boolean) => {
    try {
      await decide.mutateAsync({ claimId, isConfirmed, ...(isConfirmed ? {} : { note }) });
    } catch (error) {
      void message.error(errorText(error, i18n));
    }
  };
  return (
    <Table<Claim>
      size="small"
      rowKey="id"
      loading={claims.isPending}
      dataSource={claims.data?.items ?? []}
      columns={[
        { title: t('fc.col.address'), dataIndex: 'household' },
        { title: t('fc.col.amount'), dataIndex: 'amountFen', align: 'right', render: (v: number) => yuan(v) },
        { title: t('fc.col.date'), dataIndex: 'paidOn' },
        { title: t('fc.col.who'), dataIndex: 'note' },
        {
          title: t('fc.col.status'),
          dataIndex: 'status',
          render: (v: string) => <Tag>{t(`fund.claim.${v}` as MessageKey)}</Tag>,
        },
        {
          title: '',
          render: (_, c) =>
            c.status === 'pending' ? (
              <Space>
                <Button size="small" type="primary" onClick={() => void act(c.id, true)} data-testid="fc-claim-confirm">
                  {t('fc.confirm')}
                </Button>
                <Popconfirm
                  title={<Input placeholder={t('fc.rejectNote')} onChange={(e) => setNote(e.target.value)} />}
                  onConfirm={() => void act(c.id, false)}
                >
                  <Button size="small">{t('fc.reject')}</Button>
                </Popconfirm>
              </Space>
            ) : null,
        },
      ]}
    />
  );
}

function Figures({ companyId, contractId }: { companyId: string; contractId: string }) {
  const { t } = useI18n();
  const figures = useCompanyFigures(companyId);
  const row = figures.data?.items.find((i) => i.contract.id === contractId);
  if (row === undefined) return null;
  const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`);
  return (
    <span data-testid="fc-figures">
      {row.rates.received} · {t('fc.col.response')}: {pct(row.rates.responseRate)} / {pct(row.rates.resolutionRate)} /{' '}
      {pct(row.rates.satisfactionRate)}
    </span>
  );
}

function PropertyTab({ companies }: { companies: Company[] }) {
  const { t } = useI18n();
  const rows = companies.flatMap((c) => c.contracts.map((k) => ({ ...k, key: k.id })));
  return (
    <Table
      size="small"
      dataSource={rows}
      columns={[
        { title: t('fc.col.company'), dataIndex: 'companyName' },
        { title: t('fc.col.compound'), dataIndex: 'compoundName' },
        { title: t('fc.col.services'), dataIndex: 'services', render: (v: string[]) => v.join('、') },
        {
          title: t('fc.col.fee'),
          render: (_, k) => t(`fc.fee.${k.feeUnit}` as MessageKey, { fee: yuan(k.feeFen) }),
        },
        { title: t('fc.col.term'), render: (_, k) => `${k.startsOn} ~ ${k.endsOn}` },
        { title: t('fc.col.complaints'), render: (_, k) => <Figures companyId={k.companyId} contractId={k.id} /> },
      ]}
    />
  );
}

/** 小区资金: each compound fund's ledger and monthly statement, recording with receipts, arrears, owners' claims, property companies. */
export function FundsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const funds = useFunds();
  const companies = useCompanies();
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  if (funds.error !== null) return <Alert type="error" showIcon message={errorText(funds.error, i18n)} />;
  const items = funds.data?.items ?? [];
  const fund = items.find((f) => f.id === chosen) ?? items[0];
  return (
    <Card
      title={t('nav.funds')}
      loading={funds.isPending}
      extra={
        <Space>
          {items.length > 0 ? (
            <Select
              style={{ minWidth: 240 }}
              value={fund?.id}
              onChange={setChosen}
              options={items.map((f) => ({ value: f.id, label: f.name }))}
              data-testid="fc-fund"
            />
          ) : null}
          {can('fund.manage') && <OpenFund funds={items} onOpened={setChosen} />}
        </Space>
      }
    >
      {fund === undefined ? (
        <Empty description={t('fc.none')} />
      ) : (
        <>
          <Statistic title={t('fc.balance')} value={yuan(fund.balanceFen)} data-testid="fc-balance" />
          <Tabs
            items={[
              { key: 'ledger', label: t('fc.tab.ledger'), children: <LedgerTab fund={fund} /> },
              {
                key: 'record',
                label: t('fc.tab.record'),
                children: <RecordTab fund={fund} companies={companies.data?.items ?? []} />,
              },
              { key: 'owners', label: t('fc.tab.owners'), children: <OwnersTab fund={fund} /> },
              { key: 'levies', label: t('fc.tab.levies'), children: <LeviesTab fund={fund} /> },
              { key: 'claims', label: t('fc.tab.claims'), children: <ClaimsTab fund={fund} /> },
              {
                key: 'property',
                label: t('fc.tab.property'),
                children: <PropertyTab companies={companies.data?.items ?? []} />,
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}
