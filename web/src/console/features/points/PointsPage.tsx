import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  QRCode,
  Select,
  Space,
  Statistic,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useAuth } from '../../../shared/auth';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import type { MessageKey } from '../../app/messages';
import { Appeals } from './Appeals';
import {
  type Activity,
  type Item,
  type Redemption,
  type Rule,
  type Signup,
  checkSignup,
  confirmSignup,
  createActivity,
  createItem,
  pickup,
  restockItem,
  reverse,
  saveRule,
  useActivities,
  useActivity,
  useItems,
  usePointsMutation,
  useRedemptions,
  useReport,
  useRules,
} from './queries';

const time = (iso: string) => dayjs(iso).format('MM-DD HH:mm');

/** One label and colour per sign-up state, everywhere the console shows it. */
const SIGNUP_STATES: Record<Signup['status'], { label: MessageKey; color: string }> = {
  signed: { label: 'pc.signup.status.signed', color: 'blue' },
  cancelled: { label: 'pc.signup.status.cancelled', color: 'default' },
  checked_in: { label: 'pc.signup.status.checked_in', color: 'gold' },
  checked_out: { label: 'pc.signup.status.checked_out', color: 'orange' },
  confirmed: { label: 'pc.signup.status.confirmed', color: 'green' },
};
const REDEMPTION_STATES: Record<Redemption['status'], { label: MessageKey; color: string }> = {
  reserved: { label: 'pc.redemption.status.reserved', color: 'gold' },
  picked_up: { label: 'pc.redemption.status.picked_up', color: 'green' },
  reversed: { label: 'pc.redemption.status.reversed', color: 'default' },
};

function ActivityDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const detail = useActivity(id);
  const check = usePointsMutation(({ sid, action }: { sid: string; action: 'in' | 'out' }) => checkSignup(sid, action));
  const confirm = usePointsMutation(({ sid, minutes }: { sid: string; minutes?: number }) =>
    confirmSignup(sid, minutes),
  );
  const [minutes, setMinutes] = useState<Record<string, number>>({});
  const run = (p: Promise<unknown>) =>
    p.then(() => detail.refetch()).catch((e: unknown) => message.error(errorText(e, i18n)));
  const d = detail.data;
  const scanUrl = d === undefined ? '' : `${window.location.origin}/m/points/scan?a=${d.id}&c=${d.checkinCode}`;
  const columns: TableColumnsType<Signup> = [
    { title: t('pc.signup.name'), dataIndex: 'volunteerName' },
    {
      title: t('pc.signup.status'),
      dataIndex: 'status',
      render: (s: Signup['status']) => <Tag color={SIGNUP_STATES[s].color}>{t(SIGNUP_STATES[s].label)}</Tag>,
    },
    { title: t('pc.signup.minutes'), dataIndex: 'minutes', render: (m: number | null) => m ?? '—' },
    { title: t('pc.signup.points'), dataIndex: 'points', render: (p: number | null) => p ?? '—' },
    {
      key: 'act',
      render: (_v, s) => (
        <Space>
          {s.status === 'signed' && (
            <Button size="small" onClick={() => void run(check.mutateAsync({ sid: s.id, action: 'in' }))}>
              {t('pc.signup.checkIn')}
            </Button>
          )}
          {s.status === 'checked_in' && (
            <Button size="small" onClick={() => void run(check.mutateAsync({ sid: s.id, action: 'out' }))}>
              {t('pc.signup.checkOut')}
            </Button>
          )}
          {s.status === 'checked_out' && (
            <>
              <InputNumber
                size="small"
                min={1}
                max={1440}
                value={minutes[s.id] ?? Math.max(1, s.minutes ?? 1)}
                onChange={(v) => v !== null && setMinutes({ ...minutes, [s.id]: v })}
                aria-label={t('pc.signup.minutes')}
                data-testid="confirm-minutes"
              />
              <Button
                size="small"
                type="primary"
                data-testid="confirm-hours"
                onClick={() =>
                  void run(confirm.mutateAsync({ sid: s.id, minutes: minutes[s.id] ?? Math.max(1, s.minutes ?? 1) }))
                }
              >
                {t('pc.signup.confirm')}
              </Button>
            </>
          )}
        </Space>
      ),
    },
  ];
  return (
    <Drawer open={id !== null} onClose={onClose} width={720} title={d?.title}>
      {d !== undefined && (
        <>
          <Descriptions size="small" column={2}>
            <Descriptions.Item label={t('pc.activity.time')}>
              {time(d.startsAt)} – {time(d.endsAt)}
            </Descriptions.Item>
            <Descriptions.Item label={t('pc.activity.place')}>{d.place ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('pc.activity.slots')}>
              {d.taken}/{d.slots}
            </Descriptions.Item>
          </Descriptions>
          <Card size="small" title={t('pc.activity.qr')} style={{ margin: '12px 0' }}>
            <Space align="start">
              <QRCode value={scanUrl} size={160} />
              <Typography.Text copyable code style={{ wordBreak: 'break-all' }} data-testid="scan-url">
                {scanUrl}
              </Typography.Text>
            </Space>
          </Card>
          <Table
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={d.signups}
            pagination={false}
            locale={{ emptyText: t('pc.signup.none') }}
          />
        </>
      )}
    </Drawer>
  );
}

function Activities({ orgId }: { orgId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const list = useActivities(orgId);
  const [open, setOpen] = useState<string | null>(null);
  const [isNew, setNew] = useState(false);
  const [form] = Form.useForm<{
    kind: 'activity' | 'need';
    title: string;
    place?: string;
    range: [Dayjs, Dayjs];
    slots: number;
  }>();
  const create = usePointsMutation(createActivity);
  const columns: TableColumnsType<Activity> = [
    {
      title: t('pc.activity.title'),
      dataIndex: 'title',
      render: (v: string, a) => (
        <Space>
          <Tag color={a.kind === 'need' ? 'purple' : 'blue'}>
            {t(a.kind === 'need' ? 'pc.activity.kind.need' : 'pc.activity.kind.activity')}
          </Tag>
          {v}
        </Space>
      ),
    },
    { title: t('pc.activity.time'), key: 'time', render: (_v, a) => `${time(a.startsAt)} – ${time(a.endsAt)}` },
    { title: t('pc.activity.taken'), key: 'slots', render: (_v, a) => `${a.taken}/${a.slots}` },
    {
      key: 'status',
      render: (_v, a) => <Tag>{t(`pc.activity.status.${a.status}` as MessageKey)}</Tag>,
    },
    {
      key: 'open',
      render: (_v, a) => (
        <Button size="small" onClick={() => setOpen(a.id)} data-testid="activity-open">
          {t('pc.activity.open')}
        </Button>
      ),
    },
  ];
  return (
    <>
      <Button type="primary" onClick={() => setNew(true)} style={{ marginBottom: 12 }}>
        {t('pc.activity.new')}
      </Button>
      <Table rowKey="id" size="small" loading={list.isPending} columns={columns} dataSource={list.data?.items ?? []} />
      <ActivityDrawer id={open} onClose={() => setOpen(null)} />
      <Modal
        open={isNew}
        title={t('pc.activity.new')}
        onCancel={() => setNew(false)}
        confirmLoading={create.isPending}
        onOk={() => form.submit()}
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{ kind: 'activity', slots: 5 }}
          onFinish={(v) =>
            void create
              .mutateAsync({
                orgId,
                kind: v.kind,
                title: v.title,
                ...(v.place ? { place: v.place } : {}),
                startsAt: v.range[0].toISOString(),
                endsAt: v.range[1].toISOString(),
                slots: v.slots,
              })
              .then(() => {
                setNew(false);
                form.resetFields();
              })
              .catch((e: unknown) => showFieldErrors(form, e, i18n, ['title', 'slots', 'endsAt']))
          }
        >
          <Form.Item name="kind" label={t('pc.activity.kind')}>
            <Select
              options={[
                { value: 'activity', label: t('pc.activity.kind.activity') },
                { value: 'need', label: t('pc.activity.kind.need') },
              ]}
            />
          </Form.Item>
          <Form.Item name="title" label={t('pc.activity.title')} rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="place" label={t('pc.activity.place')}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="range" label={t('pc.activity.time')} rules={[{ required: true }]}>
            <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
          </Form.Item>
          <Form.Item name="slots" label={t('pc.activity.slots')} rules={[{ required: true }]}>
            <InputNumber min={1} max={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function Store({ orgId }: { orgId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const items = useItems(orgId);
  const redemptions = useRedemptions(orgId);
  const [form] = Form.useForm<{ name: string; price: number; stock: number; donorName?: string }>();
  const create = usePointsMutation(createItem);
  const restock = usePointsMutation((id: string) => restockItem(id, 1));
  const doPickup = usePointsMutation(pickup);
  const doReverse = usePointsMutation((id: string) => reverse(id, t('pc.redemption.reverseReason')));
  const fail = (e: unknown) => void message.error(errorText(e, i18n));
  const itemColumns: TableColumnsType<Item> = [
    { title: t('pc.item.name'), dataIndex: 'name' },
    { title: t('pc.item.price'), dataIndex: 'price' },
    { title: t('pc.item.stock'), key: 'stock', render: (_v, i) => `${i.stock}/${i.stockedTotal}` },
    { title: t('pc.item.donor'), dataIndex: 'donorName', render: (v: string | null) => v ?? '—' },
    {
      key: 'restock',
      render: (_v, i) => (
        <Button size="small" onClick={() => void restock.mutateAsync(i.id).catch(fail)}>
          {t('pc.item.restock')}
        </Button>
      ),
    },
  ];
  const redemptionColumns: TableColumnsType<Redemption> = [
    { title: t('pc.redemption.who'), dataIndex: 'residentName' },
    { title: t('pc.item.name'), key: 'item', render: (_v, r) => `${r.itemName} × ${r.quantity}` },
    { title: t('pc.item.price'), dataIndex: 'points' },
    { title: t('pc.redemption.at'), dataIndex: 'createdAt', render: time },
    {
      key: 'status',
      render: (_v, r) => <Tag color={REDEMPTION_STATES[r.status].color}>{t(REDEMPTION_STATES[r.status].label)}</Tag>,
    },
    {
      key: 'act',
      render: (_v, r) =>
        r.status === 'reserved' && (
          <Space>
            <Button
              size="small"
              type="primary"
              onClick={() => void doPickup.mutateAsync(r.id).catch(fail)}
              data-testid="redemption-pickup"
            >
              {t('pc.redemption.pickup')}
            </Button>
            <Button size="small" danger onClick={() => void doReverse.mutateAsync(r.id).catch(fail)}>
              {t('pc.redemption.reverse')}
            </Button>
          </Space>
        ),
    },
  ];
  return (
    <>
      <Card size="small" title={t('pc.item.new')} style={{ marginBottom: 12 }}>
        <Form
          form={form}
          layout="inline"
          initialValues={{ price: 50, stock: 10 }}
          onFinish={(v) =>
            void create
              .mutateAsync({
                orgId,
                name: v.name,
                price: v.price,
                stock: v.stock,
                ...(v.donorName ? { donorName: v.donorName } : {}),
              })
              .then(() => form.resetFields())
              .catch((e: unknown) => {
                if (!showFieldErrors(form, e, i18n, ['name', 'price', 'stock', 'donorName'])) fail(e);
              })
          }
        >
          <Form.Item name="name" label={t('pc.item.name')} rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="price" label={t('pc.item.price')} rules={[{ required: true }]}>
            <InputNumber />
          </Form.Item>
          <Form.Item name="stock" label={t('pc.item.stock')} rules={[{ required: true }]}>
            <InputNumber min={0} />
          </Form.Item>
          <Form.Item name="donorName" label={t('pc.item.donor')}>
            <Input maxLength={100} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={create.isPending}>
            {t('pc.item.new')}
          </Button>
        </Form>
      </Card>
      <Table
        rowKey="id"
        size="small"
        loading={items.isPending}
        columns={itemColumns}
        dataSource={items.data?.items ?? []}
      />
      <Typography.Title level={5}>{t('pc.redemption.list')}</Typography.Title>
      <Table
        rowKey="id"
        size="small"
        loading={redemptions.isPending}
        columns={redemptionColumns}
        dataSource={redemptions.data?.items ?? []}
      />
    </>
  );
}

function Rules({ orgId }: { orgId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const rules = useRules(orgId);
  const save = usePointsMutation(saveRule);
  const put = (r: Rule, patch: Partial<Pick<Rule, 'points' | 'active'>>) =>
    void save
      .mutateAsync({
        orgId,
        code: r.code,
        name: r.name,
        kind: r.kind,
        source: r.source,
        unit: r.unit,
        points: r.points,
        active: r.active,
        ...patch,
      })
      .then(() => message.success(t('pc.saved')))
      .catch((e: unknown) => message.error(errorText(e, i18n)));
  const columns: TableColumnsType<Rule> = [
    { title: t('pc.rule.name'), dataIndex: 'name' },
    {
      title: t('pc.rule.kind'),
      dataIndex: 'kind',
      render: (k: Rule['kind']) => (
        <Tag color={k === 'earn' ? 'green' : 'red'}>{t(k === 'earn' ? 'pc.rule.earn' : 'pc.rule.deduct')}</Tag>
      ),
    },
    {
      title: t('pc.rule.points'),
      key: 'points',
      render: (_v, r) => (
        <Space>
          <InputNumber
            min={1}
            max={100000}
            defaultValue={r.points}
            onBlur={(e) => {
              const n = Number(e.target.value);
              if (Number.isInteger(n) && n !== r.points) put(r, { points: n });
            }}
          />
          {t(r.unit === 'hour' ? 'pc.rule.unit.hour' : 'pc.rule.unit.event')}
        </Space>
      ),
    },
    {
      title: t('pc.rule.active'),
      key: 'active',
      render: (_v, r) => <Switch checked={r.active} onChange={(active) => put(r, { active })} />,
    },
  ];
  return (
    <Table
      rowKey="id"
      size="small"
      loading={rules.isPending}
      columns={columns}
      dataSource={rules.data?.items ?? []}
      pagination={false}
    />
  );
}

function Report({ orgId }: { orgId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [month, setMonth] = useState<Dayjs>(dayjs());
  const report = useReport(orgId, month.format('YYYY-MM'));
  if (report.error !== null) return <Alert type="error" showIcon message={errorText(report.error, i18n)} />;
  const r = report.data;
  return (
    <>
      <DatePicker
        picker="month"
        value={month}
        onChange={(m) => m !== null && setMonth(m)}
        allowClear={false}
        style={{ marginBottom: 12 }}
      />
      {r === undefined ? (
        <Empty />
      ) : (
        <Space size="large" wrap>
          <Statistic title={t('pc.report.earned')} value={r.earned} />
          <Statistic title={t('pc.report.spent')} value={r.spent} />
          <Statistic title={t('pc.report.redemptions')} value={r.redemptions} />
          <Statistic title={t('pc.report.deducted')} value={r.deducted} />
          <Statistic title={t('pc.report.expired')} value={r.expired} />
          <Statistic title={t('pc.report.accounts')} value={r.activeAccounts} />
        </Space>
      )}
    </>
  );
}

/** 积分与志愿 in the console: a community's activities and hours, its store, its rules and its month. */
export function PointsPage() {
  const { t } = useI18n();
  const { me } = useAuth();
  const first = me?.assignments[0];
  if (first === undefined) return <Empty />;
  const orgId = first.orgId;
  return (
    <Card title={`${t('nav.points')} · ${first.orgName}`}>
      <Tabs
        items={[
          { key: 'activities', label: t('pc.tab.activities'), children: <Activities orgId={orgId} /> },
          { key: 'store', label: t('pc.tab.store'), children: <Store orgId={orgId} /> },
          { key: 'appeals', label: t('pc.tab.appeals'), children: <Appeals orgId={orgId} /> },
          { key: 'rules', label: t('pc.tab.rules'), children: <Rules orgId={orgId} /> },
          { key: 'report', label: t('pc.tab.report'), children: <Report orgId={orgId} /> },
        ]}
      />
    </Card>
  );
}
