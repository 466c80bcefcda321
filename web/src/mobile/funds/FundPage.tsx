import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Empty,
  Form,
  Input,
  List,
  Segmented,
  Skeleton,
  Space,
  Statistic,
  Tag,
  Typography,
  Upload,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { errorText, showFieldErrors } from '../../shared/errors';
import { SOURCE_COLORS, fenFromYuan, yuan } from '../../shared/fund-vocabulary';
import { useI18n, type MessageKey } from '../i18n';
import { PhoneLayout } from '../PhoneLayout';
import {
  type FundClaim,
  type FundMovement,
  type MyFund,
  newClientKey,
  useMyFund,
  useMyFunds,
  useSubmitClaim,
} from './api';

const INCOME: ('owner' | 'subsidy' | 'company')[] = ['owner', 'subsidy', 'company'];

function sourceLabel(m: FundMovement): MessageKey {
  return `fund.source.${m.source}` as MessageKey;
}

function Statement({ fund }: { fund: MyFund }) {
  const { t } = useI18n();
  const s = fund.statement;
  return (
    <Card
      size="small"
      title={s.month === null ? t('funds.statementWhole') : t('funds.statement', { month: s.month })}
      style={{ marginBottom: 12 }}
      data-testid="fund-statement"
    >
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t('funds.income')}
      </Typography.Title>
      <List
        size="small"
        dataSource={INCOME}
        renderItem={(source) => (
          <List.Item
            data-testid={`fund-income-${source}`}
            extra={<Typography.Text strong>{yuan(s.incomeFen[source])}</Typography.Text>}
          >
            <Tag color={SOURCE_COLORS[source]}>{t(`fund.source.${source}` as MessageKey)}</Tag>
          </List.Item>
        )}
      />
      <Typography.Title level={5}>{t('funds.spending')}</Typography.Title>
      {s.spendingByDecision.length === 0 ? (
        <Typography.Text type="secondary">{t('funds.noSpending')}</Typography.Text>
      ) : (
        <List
          size="small"
          dataSource={s.spendingByDecision}
          renderItem={(d) => (
            <List.Item
              data-testid="fund-spending-decision"
              extra={<Typography.Text strong>{yuan(d.spentFen)}</Typography.Text>}
            >
              {d.decision}
            </List.Item>
          )}
        />
      )}
      <Alert
        style={{ marginTop: 12 }}
        type={s.isBalanced ? 'success' : 'error'}
        showIcon
        data-testid="fund-reconciliation"
        message={s.isBalanced ? t('funds.balanced') : t('funds.unbalanced')}
        description={t('funds.reconciled', {
          opening: yuan(s.openingFen),
          income: yuan(s.incomeTotalFen),
          spending: yuan(s.spendingFen),
          closing: yuan(s.closingFen),
        })}
      />
    </Card>
  );
}

function Movements({ items }: { items: FundMovement[] }) {
  const { t } = useI18n();
  if (items.length === 0) return <Empty description={t('funds.noMovements')} />;
  return (
    <List
      size="small"
      dataSource={items}
      renderItem={(m) => (
        <List.Item
          data-testid="fund-movement"
          extra={
            <Typography.Text strong type={m.amountFen < 0 ? 'danger' : 'success'}>
              {m.amountFen > 0 ? '+' : ''}
              {yuan(m.amountFen)}
            </Typography.Text>
          }
        >
          <List.Item.Meta
            title={
              <Space size={4} wrap>
                <Tag color={SOURCE_COLORS[m.source]}>{t(sourceLabel(m))}</Tag>
                {m.source === 'owner' ? (m.household === null ? t('funds.anOwner') : t('funds.ownPayment')) : null}
                {m.source === 'spending' ? m.purpose : m.source === 'owner' ? null : m.payer}
              </Space>
            }
            description={
              <>
                {m.occurredOn}
                {m.decision !== null ? ` · ${m.decision}` : ''}
                {m.channel === 'phone' ? ` · ${t('funds.viaPhone')}` : ''}
              </>
            }
          />
        </List.Item>
      )}
    />
  );
}

function PayForm({ fundId, claims }: { fundId: string; claims: FundClaim[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<{ amount: string; paidOn: Dayjs; note?: string }>();
  const [receipt, setReceipt] = useState<File | null>(null);
  const [clientKey, setClientKey] = useState(newClientKey);
  const submit = useSubmitClaim(fundId);
  const onFinish = async (v: { amount: string; paidOn: Dayjs; note?: string }) => {
    const amountFen = fenFromYuan(v.amount);
    if (amountFen === null || amountFen === 0) {
      form.setFields([{ name: 'amount', errors: [t('funds.pay.amountInvalid')] }]);
      return;
    }
    if (receipt === null) {
      form.setFields([{ name: 'note', errors: [t('funds.pay.receiptMissing')] }]);
      return;
    }
    try {
      await submit.mutateAsync({
        body: {
          amountFen,
          paidOn: v.paidOn.format('YYYY-MM-DD'),
          ...(v.note !== undefined && v.note.trim() !== '' ? { note: v.note.trim() } : {}),
          clientKey,
        },
        receipt,
      });
      void message.success(t('funds.pay.sent'));
      form.resetFields();
      setReceipt(null);
      setClientKey(newClientKey());
    } catch (error) {
      const amountError = error instanceof ApiError ? error.errors.find((e) => e.field === 'amountFen') : undefined;
      if (amountError !== undefined) {
        form.setFields([
          { name: 'amount', errors: [i18n.pick({ zh: amountError.message_zh, en: amountError.message_en })] },
        ]);
      } else if (!showFieldErrors(form, error, i18n, ['paidOn', 'note'])) {
        void message.error(errorText(error, i18n));
      }
    }
  };
  return (
    <Card size="small" title={t('funds.pay')} style={{ marginBottom: 12 }}>
      <Typography.Paragraph type="secondary">{t('funds.pay.hint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => void onFinish(v)} initialValues={{ paidOn: dayjs() }}>
        <Form.Item
          name="amount"
          label={t('funds.pay.amount')}
          rules={[{ required: true, message: t('funds.pay.amountInvalid') }]}
        >
          <Input inputMode="decimal" data-testid="fund-pay-amount" placeholder="0.00" />
        </Form.Item>
        <Form.Item name="paidOn" label={t('funds.pay.date')} rules={[{ required: true }]}>
          <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs(), 'day')} allowClear={false} />
        </Form.Item>
        <Form.Item name="note" label={t('funds.pay.note')}>
          <Input maxLength={200} data-testid="fund-pay-note" />
        </Form.Item>
        <Form.Item label={t('funds.pay.receipt')} required>
          <Upload
            accept="image/*"
            maxCount={1}
            beforeUpload={(file) => {
              setReceipt(file);
              return false;
            }}
            onRemove={() => setReceipt(null)}
            data-testid="fund-pay-receipt"
          >
            <Button>{t('funds.pay.receipt')}</Button>
          </Upload>
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={submit.isPending} data-testid="fund-pay-submit">
          {t('funds.pay.submit')}
        </Button>
      </Form>
      {claims.length > 0 ? (
        <List
          size="small"
          header={t('funds.claims')}
          dataSource={claims}
          renderItem={(c) => (
            <List.Item data-testid="fund-claim" extra={<Tag>{t(`fund.claim.${c.status}` as MessageKey)}</Tag>}>
              {yuan(c.amountFen)} · {c.paidOn}
              {c.decisionNote !== null ? ` · ${c.decisionNote}` : ''}
            </List.Item>
          )}
        />
      ) : null}
    </Card>
  );
}

function FundView({ id }: { id: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [month, setMonth] = useState<string | undefined>(undefined);
  const fund = useMyFund(id, month);
  if (fund.isPending) return <Skeleton active />;
  if (fund.error !== null) return <Alert type="error" showIcon message={errorText(fund.error, i18n)} />;
  const f = fund.data;
  return (
    <>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Typography.Title level={4} style={{ marginTop: 0 }} data-testid="fund-name">
          {f.fund.name}
        </Typography.Title>
        <Statistic title={t('funds.balance')} value={yuan(f.fund.balanceFen)} data-testid="fund-balance" />
        <Space size="large" style={{ marginTop: 8 }} data-testid="fund-mine">
          <Statistic
            title={`${t('funds.mine')} · ${t('funds.due')}`}
            value={yuan(f.mine.dueFen)}
            valueStyle={{ fontSize: 16 }}
          />
          <Statistic title={t('funds.paid')} value={yuan(f.mine.paidFen)} valueStyle={{ fontSize: 16 }} />
          <Statistic
            title={t('funds.arrears')}
            value={yuan(f.mine.arrearsFen)}
            valueStyle={{ fontSize: 16, color: f.mine.arrearsFen > 0 ? '#cf1322' : undefined }}
          />
        </Space>
      </Card>
      {f.months.length > 0 ? (
        <Segmented
          block
          style={{ marginBottom: 12 }}
          value={month ?? 'all'}
          onChange={(v) => setMonth(v === 'all' ? undefined : String(v))}
          options={[
            { label: t('funds.whole'), value: 'all' },
            ...f.months.slice(0, 3).map((m) => ({ label: m, value: m })),
          ]}
          data-testid="fund-months"
        />
      ) : null}
      <Statement fund={f} />
      <Card size="small" title={t('funds.movements')} style={{ marginBottom: 12 }}>
        <Movements items={f.movements} />
      </Card>
      <PayForm fundId={f.fund.id} claims={f.claims} />
    </>
  );
}

/** 小区资金 on the owner's phone: the ledger of her compound's fund, its statement, and 我已缴费. */
export function FundPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const funds = useMyFunds();
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const first = funds.data?.items[0]?.id;
  const id = chosen ?? first;
  return (
    <PhoneLayout title={t('funds.title')} back="/m/me">
      {funds.isPending ? (
        <Skeleton active />
      ) : funds.error !== null ? (
        <Alert type="error" showIcon message={errorText(funds.error, i18n)} />
      ) : id === undefined ? (
        <Empty description={t('funds.none')} />
      ) : (
        <>
          {funds.data.items.length > 1 ? (
            <Segmented
              block
              style={{ marginBottom: 12 }}
              value={id}
              onChange={(v) => setChosen(String(v))}
              options={funds.data.items.map((f) => ({ label: f.compoundName, value: f.id }))}
            />
          ) : null}
          <FundView id={id} />
        </>
      )}
    </PhoneLayout>
  );
}
