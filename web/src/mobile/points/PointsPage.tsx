import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Input,
  List,
  Modal,
  Popconfirm,
  Segmented,
  Skeleton,
  Space,
  Statistic,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { errorText } from '../../shared/errors';
import { shanghaiDay } from '../../shared/figures';
import { shortTime } from '../cases/time';
import { useI18n, type MessageKey } from '../i18n';
import { PhoneLayout } from '../PhoneLayout';
import {
  type AppealStatus,
  type MyActivity,
  type SignupStatus,
  newClientKey,
  useMyActivities,
  useMyPoints,
  useMyRanking,
  useMyRedemptions,
  useAppeal,
  useMyStore,
  useRedeem,
  useSetRanking,
  useSignUp,
  useWithdraw,
} from './api';

/** One label and colour per sign-up state, everywhere the phone shows it. */
export const SIGNUP_STATES: Record<SignupStatus, { label: MessageKey; color: string }> = {
  signed: { label: 'volunteer.status.signed', color: 'blue' },
  cancelled: { label: 'volunteer.status.cancelled', color: 'default' },
  checked_in: { label: 'volunteer.status.checked_in', color: 'gold' },
  checked_out: { label: 'volunteer.status.checked_out', color: 'orange' },
  confirmed: { label: 'volunteer.status.confirmed', color: 'green' },
};
const REDEMPTION_STATES: Record<'reserved' | 'picked_up' | 'reversed', { label: MessageKey; color: string }> = {
  reserved: { label: 'store.status.reserved', color: 'gold' },
  picked_up: { label: 'store.status.picked_up', color: 'green' },
  reversed: { label: 'store.status.reversed', color: 'default' },
};
const KIND_LABEL: Record<string, MessageKey> = {
  award: 'points.kind.award',
  withdraw: 'points.kind.withdraw',
  deduct: 'points.kind.deduct',
  redeem: 'points.kind.redeem',
  reverse: 'points.kind.reverse',
  expire: 'points.kind.expire',
  refund: 'points.kind.refund',
};
const hours = (minutes: number) => Math.round(minutes / 6) / 10;

type Tab = 'statement' | 'store' | 'volunteer' | 'ranking';

/** 'YYYY-MM' of now in Asia/Shanghai, the month her statement opens at. */
const thisMonth = () => shanghaiDay(Date.now()).slice(0, 7);
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The month `by` months after `month` ('YYYY-MM'). */
function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** One label and colour per appeal state, everywhere the phone shows it. */
const APPEAL_STATES: Record<AppealStatus, { label: MessageKey; color: string }> = {
  open: { label: 'points.appeal.status.open', color: 'gold' },
  granted: { label: 'points.appeal.status.granted', color: 'green' },
  refused: { label: 'points.appeal.status.refused', color: 'default' },
};

/** Her appeal of one deduction: a short reason; the server's refusal (a second appeal) is shown as it says. */
function AppealForm({ journalId, onClose }: { journalId: string | null; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const appeal = useAppeal();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setReason('');
    setError(null);
    onClose();
  };
  const send = async () => {
    if (journalId === null) return;
    setError(null);
    try {
      await appeal.mutateAsync({ journalId, reason: reason.trim() });
      void message.success(t('points.appeal.sent'));
      close();
    } catch (e) {
      const field = e instanceof ApiError ? e.errors[0] : undefined;
      setError(field !== undefined ? (i18n.lang === 'zh' ? field.message_zh : field.message_en) : errorText(e, i18n));
    }
  };
  return (
    <Modal
      open={journalId !== null}
      title={t('points.appeal.title')}
      onCancel={close}
      onOk={() => void send()}
      okText={t('points.appeal.submit')}
      okButtonProps={{ disabled: reason.trim() === '', 'data-testid': 'appeal-submit' }}
      confirmLoading={appeal.isPending}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text>{t('points.appeal.reason')}</Typography.Text>
        <Input.TextArea
          aria-label={t('points.appeal.reason')}
          data-testid="appeal-reason"
          maxLength={500}
          autoSize={{ minRows: 3, maxRows: 6 }}
          placeholder={t('points.appeal.placeholder')}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
        {error !== null && <Alert type="error" showIcon message={error} data-testid="appeal-error" />}
      </Space>
    </Modal>
  );
}

function Statement() {
  const i18n = useI18n();
  const { t } = i18n;
  const [params, setParams] = useSearchParams();
  const now = thisMonth();
  const asked = params.get('month');
  // a month in the URL, never past this one; default this month
  const month = asked !== null && MONTH.test(asked) && asked < now ? asked : now;
  const points = useMyPoints(month === now ? undefined : month);
  const [appealing, setAppealing] = useState<string | null>(null);
  const goTo = (m: string) => {
    const next = new URLSearchParams(params);
    if (m === now) next.delete('month');
    else next.set('month', m);
    setParams(next, { replace: true });
  };
  const switcher = (
    <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} data-testid="points-months">
      <Button
        icon={<LeftOutlined />}
        aria-label={t('points.prevMonth')}
        data-testid="points-prev-month"
        onClick={() => goTo(shiftMonth(month, -1))}
      >
        {t('points.prevMonth')}
      </Button>
      <Typography.Text strong data-testid="points-month" data-month={month}>
        {month}
      </Typography.Text>
      <Button
        aria-label={t('points.nextMonth')}
        data-testid="points-next-month"
        disabled={month >= now}
        onClick={() => goTo(shiftMonth(month, 1))}
      >
        {t('points.nextMonth')} <RightOutlined />
      </Button>
    </Space>
  );
  if (points.isPending)
    return (
      <>
        {switcher}
        <Skeleton active />
      </>
    );
  if (points.error !== null)
    return (
      <>
        {switcher}
        <Alert type="error" showIcon message={errorText(points.error, i18n)} />
      </>
    );
  const s = points.data.statement;
  return (
    <>
      {switcher}
      <Card size="small" title={t('points.month', { month: s.month })} style={{ marginBottom: 12 }}>
        <Typography.Paragraph type="secondary" data-testid="points-summary">
          {t('points.monthSummary', { opening: s.opening, earned: s.earned, spent: s.spent, closing: s.closing })}
        </Typography.Paragraph>
        {s.movements.length === 0 ? (
          <Empty description={t('points.noMovements')} />
        ) : (
          <List
            size="small"
            dataSource={s.movements}
            renderItem={(m) => (
              <List.Item
                data-testid="points-movement"
                data-kind={m.kind}
                extra={
                  <Space direction="vertical" align="end" size={4}>
                    <b style={{ color: m.amount > 0 ? '#389e0d' : '#cf1322' }}>
                      {m.amount > 0 ? `+${m.amount}` : m.amount}
                    </b>
                    {m.kind === 'deduct' &&
                      (m.appeal === null ? (
                        <Button size="small" data-testid="points-appeal" onClick={() => setAppealing(m.journalId)}>
                          {t('points.appeal')}
                        </Button>
                      ) : (
                        <Tag
                          color={APPEAL_STATES[m.appeal.status].color}
                          data-testid="points-appeal-state"
                          data-status={m.appeal.status}
                        >
                          {t(APPEAL_STATES[m.appeal.status].label)}
                        </Tag>
                      ))}
                  </Space>
                }
              >
                <List.Item.Meta
                  title={m.reason}
                  description={`${t(KIND_LABEL[m.kind] ?? 'points.kind.award')} · ${shortTime(m.at, i18n.lang)} · ${m.balanceAfter}`}
                />
              </List.Item>
            )}
          />
        )}
      </Card>
      <AppealForm journalId={appealing} onClose={() => setAppealing(null)} />
      <Card size="small" title={t('points.rules')}>
        <List
          size="small"
          dataSource={points.data.rules}
          renderItem={(r) => (
            <List.Item>
              <span>{r.name}</span>
              <Tag color={r.kind === 'earn' ? 'green' : 'red'}>
                {r.kind === 'deduct'
                  ? t('points.rule.deduct', { points: r.points })
                  : r.unit === 'hour'
                    ? t('points.rule.perHour', { points: r.points })
                    : t('points.rule.perEvent', { points: r.points })}
              </Tag>
            </List.Item>
          )}
        />
      </Card>
    </>
  );
}

function Store() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const shelf = useMyStore();
  const mine = useMyRedemptions();
  const redeem = useRedeem();
  const [errors, setErrors] = useState<Record<string, string>>({});
  if (shelf.isPending) return <Skeleton active />;
  if (shelf.error !== null) return <Alert type="error" showIcon message={errorText(shelf.error, i18n)} />;
  const onRedeem = async (itemId: string) => {
    setErrors({});
    try {
      await redeem.mutateAsync({ itemId, quantity: 1, clientKey: newClientKey() });
      void message.success(t('store.done'));
    } catch (e) {
      const field = e instanceof ApiError ? e.errors[0] : undefined;
      const text =
        field !== undefined ? (i18n.lang === 'zh' ? field.message_zh : field.message_en) : errorText(e, i18n);
      setErrors({ [itemId]: text });
    }
  };
  return (
    <>
      {shelf.data.items.length === 0 ? (
        <Empty description={t('store.empty')} />
      ) : (
        <List
          dataSource={shelf.data.items}
          renderItem={(item) => (
            <Card size="small" style={{ marginBottom: 8 }} data-testid="store-item" data-name={item.name}>
              <Space direction="vertical" style={{ width: '100%' }} size={4}>
                <Typography.Text strong>{item.name}</Typography.Text>
                {item.donorName !== null && (
                  <Typography.Text type="secondary">{t('store.donor', { name: item.donorName })}</Typography.Text>
                )}
                <Space style={{ justifyContent: 'space-between', width: '100%' }}>
                  <span>
                    <Tag color="volcano">{t('store.price', { price: item.price })}</Tag>
                    <span data-testid="store-stock">{t('store.stock', { n: item.stock })}</span>
                  </span>
                  {item.stock > 0 ? (
                    <Popconfirm
                      title={t('store.confirm', { name: item.name, price: item.price })}
                      okText={t('store.redeem')}
                      onConfirm={() => void onRedeem(item.id)}
                    >
                      <Button type="primary" loading={redeem.isPending} data-testid="store-redeem">
                        {t('store.redeem')}
                      </Button>
                    </Popconfirm>
                  ) : (
                    <Button disabled>{t('store.soldOut')}</Button>
                  )}
                </Space>
                {errors[item.id] !== undefined && (
                  <Alert type="error" showIcon message={errors[item.id]} data-testid="store-error" />
                )}
              </Space>
            </Card>
          )}
        />
      )}
      {(mine.data?.items.length ?? 0) > 0 && (
        <Card size="small" title={t('store.mine')} style={{ marginTop: 12 }}>
          <List
            size="small"
            dataSource={mine.data!.items}
            renderItem={(r) => (
              <List.Item data-testid="my-redemption">
                <span>
                  {r.itemName} × {r.quantity} · {r.points}
                </span>
                <Tag color={REDEMPTION_STATES[r.status].color}>{t(REDEMPTION_STATES[r.status].label)}</Tag>
              </List.Item>
            )}
          />
        </Card>
      )}
    </>
  );
}

function ActivityCard({ a }: { a: MyActivity }) {
  const i18n = useI18n();
  const { t } = i18n;
  const signUp = useSignUp();
  const withdraw = useWithdraw();
  const [error, setError] = useState<string | null>(null);
  const state = a.mine === null || a.mine.status === 'cancelled' ? null : SIGNUP_STATES[a.mine.status];
  const act = (p: Promise<unknown>) =>
    p.then(
      () => setError(null),
      (e: unknown) => setError(errorText(e, i18n)),
    );
  return (
    <Card size="small" style={{ marginBottom: 8 }} data-testid="volunteer-activity" data-title={a.title}>
      <Space direction="vertical" size={4} style={{ width: '100%' }}>
        <Space>
          <Tag color={a.kind === 'need' ? 'purple' : 'blue'}>
            {t(a.kind === 'need' ? 'volunteer.kind.need' : 'volunteer.kind.activity')}
          </Tag>
          <Typography.Text strong>{a.title}</Typography.Text>
        </Space>
        <Typography.Text type="secondary">
          {shortTime(a.startsAt, i18n.lang)} – {shortTime(a.endsAt, i18n.lang)}
          {a.place !== null ? ` · ${a.place}` : ''}
        </Typography.Text>
        {a.description !== null && <Typography.Text>{a.description}</Typography.Text>}
        <Space style={{ justifyContent: 'space-between', width: '100%' }}>
          <span>{t('volunteer.slots', { taken: a.taken, slots: a.slots })}</span>
          {state !== null ? (
            <Tag color={state.color} data-testid="signup-state" data-status={a.mine!.status}>
              {t(state.label)}
            </Tag>
          ) : a.taken >= a.slots ? (
            <Button disabled>{t('volunteer.full')}</Button>
          ) : (
            <Button
              type="primary"
              loading={signUp.isPending}
              data-testid="volunteer-signup"
              onClick={() => void act(signUp.mutateAsync(a.id))}
            >
              {t(a.kind === 'need' ? 'volunteer.claim' : 'volunteer.signUp')}
            </Button>
          )}
        </Space>
        {a.mine?.status === 'signed' && (
          <>
            <Alert type="info" showIcon message={t('volunteer.scanHint')} />
            <Button size="small" loading={withdraw.isPending} onClick={() => void act(withdraw.mutateAsync(a.id))}>
              {t('volunteer.withdraw')}
            </Button>
          </>
        )}
        {a.mine?.status === 'confirmed' && a.mine.minutes !== null && (
          <Typography.Text type="success">
            {t('volunteer.hoursPoints', { hours: hours(a.mine.minutes), points: a.mine.points ?? 0 })}
          </Typography.Text>
        )}
        {error !== null && <Alert type="error" showIcon message={error} />}
      </Space>
    </Card>
  );
}

function Volunteer() {
  const i18n = useI18n();
  const activities = useMyActivities();
  if (activities.isPending) return <Skeleton active />;
  if (activities.error !== null) return <Alert type="error" showIcon message={errorText(activities.error, i18n)} />;
  if (activities.data.items.length === 0) return <Empty description={i18n.t('volunteer.empty')} />;
  return (
    <>
      {activities.data.items.map((a) => (
        <ActivityCard key={a.id} a={a} />
      ))}
    </>
  );
}

function Ranking() {
  const i18n = useI18n();
  const { t } = i18n;
  const ranking = useMyRanking();
  const setRanking = useSetRanking();
  if (ranking.isPending) return <Skeleton active />;
  if (ranking.error !== null) return <Alert type="error" showIcon message={errorText(ranking.error, i18n)} />;
  return (
    <Card size="small">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space>
          <Switch
            checked={ranking.data.ranked}
            loading={setRanking.isPending}
            onChange={(v) => void setRanking.mutateAsync(v)}
          />
          <span>{t('ranking.optIn')}</span>
        </Space>
        <Typography.Text type="secondary">{t('ranking.hint')}</Typography.Text>
        {ranking.data.items.length === 0 ? (
          <Empty description={t('ranking.empty')} />
        ) : (
          <List
            size="small"
            dataSource={ranking.data.items}
            renderItem={(r) => (
              <List.Item style={r.isMe ? { fontWeight: 600 } : undefined}>
                {t('ranking.row', { rank: r.rank, name: r.name, earned: r.earned })}
              </List.Item>
            )}
          />
        )}
      </Space>
    </Card>
  );
}

/** 积分与志愿 on the phone: her balance, this month's statement, the store, volunteering, the ranking. */
export function PointsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [params, setParams] = useSearchParams();
  const tab = (params.get('tab') as Tab | null) ?? 'statement';
  const points = useMyPoints();
  const notBound = points.error instanceof ApiError && points.error.code === 'INVALID_STATE';
  return (
    <PhoneLayout title={t('points.title')} back="/m/me">
      {notBound ? (
        <Alert type="warning" showIcon message={t('points.notBound')} />
      ) : (
        <>
          <Card size="small" style={{ marginBottom: 12 }}>
            <Statistic
              title={points.data?.pooled === true ? t('points.pooled') : t('points.balance')}
              value={points.data?.balance ?? 0}
              loading={points.isPending}
              valueRender={(node) => <span data-testid="points-balance">{node}</span>}
            />
          </Card>
          <Segmented<Tab>
            block
            style={{ marginBottom: 12 }}
            value={tab}
            onChange={(v) => {
              const next = new URLSearchParams(params);
              next.set('tab', v);
              setParams(next, { replace: true });
            }}
            options={[
              { value: 'statement', label: t('points.tab.statement') },
              { value: 'store', label: t('points.tab.store') },
              { value: 'volunteer', label: t('points.tab.volunteer') },
              { value: 'ranking', label: t('points.tab.ranking') },
            ]}
          />
          {tab === 'statement' && <Statement />}
          {tab === 'store' && <Store />}
          {tab === 'volunteer' && <Volunteer />}
          {tab === 'ranking' && <Ranking />}
        </>
      )}
    </PhoneLayout>
  );
}
