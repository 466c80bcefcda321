import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Segmented,
  Select,
  Skeleton,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import type { MessageKey } from '../../app/messages';
import {
  type Canteen,
  type Diner,
  type MenuBody,
  useBills,
  useCanteenMutation,
  useCanteens,
  useDelivery,
  useDiners,
  useEligible,
  useMenus,
  useOrders,
} from './queries';

type Meal = 'lunch' | 'dinner';
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
const toFen = (y: number) => Math.round(y * 100);
const MEAL_LABEL: Record<Meal, MessageKey> = { lunch: 'canteen.meal.lunch', dinner: 'canteen.meal.dinner' };
const TIER_LABEL: Record<Diner['tiers'][number], MessageKey> = {
  standard: 'canteen.tier.standard',
  senior: 'canteen.tier.senior',
  dibao: 'canteen.tier.dibao',
};
const today = () => dayjs().format('YYYY-MM-DD');

function MealPicker({ value, onChange }: { value: Meal; onChange: (m: Meal) => void }) {
  const { t } = useI18n();
  return (
    <Segmented<Meal>
      value={value}
      onChange={onChange}
      options={(['lunch', 'dinner'] as const).map((m) => ({ value: m, label: t(MEAL_LABEL[m]) }))}
    />
  );
}

interface MenuForm {
  day: dayjs.Dayjs;
  meal: Meal;
  dishes: string;
  cost: number;
  standard: number;
  senior: number;
  dibao: number;
}

function MenusTab({ canteen }: { canteen: Canteen }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<MenuForm>();
  const menus = useMenus(canteen.id, today());
  const save = useCanteenMutation(canteen.id, (body: MenuBody) =>
    unwrap(api.PUT('/api/v1/canteens/{id}/menus', { params: { path: { id: canteen.id } }, body })),
  );
  return (
    <Flex vertical gap={16}>
      <Card size="small">
        <Form
          form={form}
          layout="inline"
          initialValues={{ day: dayjs().add(1, 'day'), meal: 'lunch' }}
          onFinish={(v) =>
            save.mutate(
              {
                day: v.day.format('YYYY-MM-DD'),
                meal: v.meal,
                dishes: v.dishes,
                costFen: toFen(v.cost),
                prices: { standard: toFen(v.standard), senior: toFen(v.senior), dibao: toFen(v.dibao) },
              },
              {
                onSuccess: (out) => {
                  void message.success(t('canteen.menuSaved', { placed: String(out.standing.placed) }));
                  form.resetFields(['dishes']);
                },
              },
            )
          }
        >
          <Form.Item name="day" label={t('canteen.day')} rules={[{ required: true }]}>
            <DatePicker allowClear={false} data-testid="canteen-menu-day" />
          </Form.Item>
          <Form.Item name="meal" label={t('canteen.meal')}>
            <Select
              style={{ width: 90 }}
              options={(['lunch', 'dinner'] as const).map((m) => ({ value: m, label: t(MEAL_LABEL[m]) }))}
              data-testid="canteen-menu-meal"
            />
          </Form.Item>
          <Form.Item name="dishes" label={t('canteen.dishes')} rules={[{ required: true, whitespace: true }]}>
            <Input style={{ width: 220 }} maxLength={300} data-testid="canteen-menu-dishes" />
          </Form.Item>
          {(['cost', 'standard', 'senior', 'dibao'] as const).map((f) => (
            <Form.Item
              key={f}
              name={f}
              label={t(f === 'cost' ? 'canteen.cost' : (`canteen.price.${f}` as MessageKey))}
              rules={[{ required: true }]}
            >
              <InputNumber min={0} step={0.5} precision={2} style={{ width: 90 }} data-testid={`canteen-menu-${f}`} />
            </Form.Item>
          ))}
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="canteen-menu-save">
            {t('canteen.setMenu')}
          </Button>
        </Form>
        {save.error !== null && (
          <Alert type="error" showIcon title={errorText(save.error, i18n)} style={{ marginTop: 12 }} />
        )}
      </Card>
      <Table
        size="small"
        rowKey="id"
        loading={menus.isLoading}
        dataSource={menus.data ?? []}
        pagination={false}
        columns={[
          { title: t('canteen.day'), dataIndex: 'day' },
          { title: t('canteen.meal'), dataIndex: 'meal', render: (m: Meal) => t(MEAL_LABEL[m]) },
          { title: t('canteen.dishes'), dataIndex: 'dishes' },
          { title: t('canteen.cost'), dataIndex: 'costFen', render: yuan },
          {
            title: t('canteen.tiers'),
            key: 'prices',
            render: (_, m) =>
              (['standard', 'senior', 'dibao'] as const).map((k) => (
                <Tag key={k}>
                  {t(TIER_LABEL[k])} {yuan(m.prices[k])}
                </Tag>
              )),
          },
        ]}
      />
    </Flex>
  );
}

function EnrolModal({ canteen, onClose }: { canteen: Canteen; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [q, setQ] = useState('');
  const eligible = useEligible(canteen.id, q);
  const [delivery, setDelivery] = useState(false);
  const enrol = useCanteenMutation(canteen.id, (residentId: string) =>
    unwrap(
      api.POST('/api/v1/canteens/{id}/diners', {
        params: { path: { id: canteen.id } },
        body: { residentId, needsDelivery: delivery, isRegular: true },
      }),
    ),
  );
  return (
    <Modal open title={t('canteen.enrol')} onCancel={onClose} footer={null} width={640}>
      <Flex gap={8} style={{ marginBottom: 12 }}>
        <Input.Search placeholder={t('canteen.searchEligible')} onSearch={setQ} allowClear />
        <Checkbox checked={delivery} onChange={(e) => setDelivery(e.target.checked)}>
          {t('canteen.needsDelivery')}
        </Checkbox>
      </Flex>
      {enrol.error !== null && <Alert type="error" showIcon title={errorText(enrol.error, i18n)} />}
      <Table
        size="small"
        rowKey="residentId"
        loading={eligible.isLoading}
        dataSource={eligible.data ?? []}
        pagination={false}
        columns={[
          { title: t('canteen.dinerName'), dataIndex: 'name' },
          { title: t('canteen.age'), dataIndex: 'age' },
          {
            key: 'act',
            render: (_, r) => (
              <Button size="small" loading={enrol.isPending} onClick={() => enrol.mutate(r.residentId)}>
                {t('canteen.enrol')}
              </Button>
            ),
          },
        ]}
      />
    </Modal>
  );
}

function TopUpModal({ canteen, diner, onClose }: { canteen: Canteen; diner: Diner; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [amount, setAmount] = useState<number | null>(null);
  const [clientKey] = useState(() => `c-${crypto.randomUUID()}`);
  const topUp = useCanteenMutation(canteen.id, (amountFen: number) =>
    unwrap(
      api.POST('/api/v1/canteens/{id}/topups', {
        params: { path: { id: canteen.id } },
        body: { dinerId: diner.id, amountFen, clientKey },
      }),
    ),
  );
  return (
    <Modal
      open
      title={`${t('canteen.topUp')} · ${diner.name}`}
      onCancel={onClose}
      okButtonProps={{ loading: topUp.isPending, disabled: amount === null }}
      onOk={() =>
        topUp.mutate(toFen(amount ?? 0), {
          onSuccess: (out) => {
            void message.success(t('canteen.topUpDone', { balance: yuan(out.balanceFen) }));
            onClose();
          },
        })
      }
    >
      <InputNumber
        min={0}
        precision={2}
        addonBefore={t('canteen.amount')}
        value={amount}
        onChange={setAmount}
        data-testid="canteen-topup-amount"
      />
      {topUp.error !== null && (
        <Alert type="error" showIcon title={errorText(topUp.error, i18n)} style={{ marginTop: 12 }} />
      )}
    </Modal>
  );
}

function DinersTab({ canteen }: { canteen: Canteen }) {
  const { t } = useI18n();
  const diners = useDiners(canteen.id);
  const [isEnrolling, setEnrolling] = useState(false);
  const [topUpFor, setTopUpFor] = useState<Diner | null>(null);
  return (
    <Flex vertical gap={12}>
      <Flex>
        <Button type="primary" onClick={() => setEnrolling(true)}>
          {t('canteen.enrol')}
        </Button>
      </Flex>
      <Table
        size="small"
        rowKey="id"
        loading={diners.isLoading}
        dataSource={diners.data ?? []}
        pagination={{ pageSize: 50 }}
        columns={[
          { title: t('canteen.dinerName'), dataIndex: 'name' },
          { title: t('canteen.age'), dataIndex: 'age' },
          {
            title: t('canteen.tiers'),
            dataIndex: 'tiers',
            render: (tiers: Diner['tiers']) => tiers.map((k) => <Tag key={k}>{t(TIER_LABEL[k])}</Tag>),
          },
          { title: t('canteen.balance'), dataIndex: 'balanceFen', render: yuan },
          {
            title: t('canteen.lastSeen'),
            key: 'lastSeen',
            render: (_, d) => (
              <Space size={4}>
                {d.lastSeenDay ?? '—'}
                {d.absence !== null && (
                  <Tag color={d.absence.visit === 'open' ? 'red' : 'default'} data-testid="canteen-absence">
                    {t(`canteen.absence.${d.absence.visit ?? 'withdrawn'}`)}
                  </Tag>
                )}
              </Space>
            ),
          },
          {
            title: t('canteen.needsDelivery'),
            key: 'delivery',
            render: (_, d) => (d.needsDelivery ? <Tag color="orange">{d.route ?? t('canteen.unassigned')}</Tag> : null),
          },
          {
            key: 'act',
            render: (_, d) => (
              <Button size="small" onClick={() => setTopUpFor(d)} data-testid={`canteen-topup-${d.name}`}>
                {t('canteen.topUp')}
              </Button>
            ),
          },
        ]}
      />
      {isEnrolling && <EnrolModal canteen={canteen} onClose={() => setEnrolling(false)} />}
      {topUpFor !== null && <TopUpModal canteen={canteen} diner={topUpFor} onClose={() => setTopUpFor(null)} />}
    </Flex>
  );
}

function ServiceTab({ canteen }: { canteen: Canteen }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [meal, setMeal] = useState<Meal>('lunch');
  const [code, setCode] = useState('');
  const orders = useOrders(canteen.id, today(), meal);
  const signIn = useCanteenMutation(canteen.id, (body: { dinerId?: string; code?: string }) =>
    unwrap(
      api.POST('/api/v1/canteens/{id}/sign-in', { params: { path: { id: canteen.id } }, body: { meal, ...body } }),
    ),
  );
  const served = (orders.data ?? []).filter((o) => o.servedAt !== null).length;
  const done = (out: { name: string; isWalkIn: boolean }) =>
    void message.success(`${out.name} ${out.isWalkIn ? t('canteen.walkIn') : t('canteen.signedIn')}`);
  return (
    <Flex vertical gap={12}>
      <Flex gap={12} align="center" wrap>
        <MealPicker value={meal} onChange={setMeal} />
        <Input.Search
          style={{ width: 280 }}
          placeholder={t('canteen.scan')}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          enterButton={t('canteen.signIn')}
          onSearch={(v) =>
            v.trim() !== '' && signIn.mutate({ code: v.trim() }, { onSuccess: (o) => (done(o), setCode('')) })
          }
        />
        <Typography.Text>
          {t('canteen.ordersCount', { n: String(orders.data?.length ?? 0), served: String(served) })}
        </Typography.Text>
      </Flex>
      {signIn.error !== null && <Alert type="error" showIcon title={errorText(signIn.error, i18n)} />}
      <Flex gap={8} wrap>
        {(orders.data ?? []).map((o) => (
          <Button
            key={o.id}
            size="large"
            type={o.servedAt === null ? 'default' : 'primary'}
            data-testid="canteen-signin-name"
            data-served={o.servedAt === null ? 'no' : 'yes'}
            onClick={() => o.servedAt === null && signIn.mutate({ dinerId: o.dinerId }, { onSuccess: done })}
          >
            {o.name}
            {o.needsDelivery && <Tag style={{ marginLeft: 6 }}>{t('canteen.needsDelivery')}</Tag>}
          </Button>
        ))}
      </Flex>
    </Flex>
  );
}

function DeliveryTab({ canteen }: { canteen: Canteen }) {
  const { t } = useI18n();
  const [meal, setMeal] = useState<Meal>('lunch');
  const [day, setDay] = useState(today());
  const list = useDelivery(canteen.id, day, meal);
  const mark = useCanteenMutation(canteen.id, (v: { orderId: string; mark: 'delivered' | 'not_home' }) =>
    unwrap(
      api.POST('/api/v1/canteens/{id}/orders/{orderId}/delivery', {
        params: { path: { id: canteen.id, orderId: v.orderId } },
        body: { mark: v.mark },
      }),
    ),
  );
  return (
    <Flex vertical gap={12}>
      <Flex gap={12} align="center" className="tz-no-print">
        <DatePicker
          allowClear={false}
          value={dayjs(day)}
          onChange={(d) => d !== null && setDay(d.format('YYYY-MM-DD'))}
          data-testid="canteen-delivery-day"
        />
        <MealPicker value={meal} onChange={setMeal} />
        <Button onClick={() => window.print()}>{t('canteen.print')}</Button>
      </Flex>
      <Typography.Title level={5} style={{ margin: 0 }}>
        {canteen.name} · {day} {t(MEAL_LABEL[meal])} ·{' '}
        {t('canteen.deliveryTotal', { n: String(list.data?.total ?? 0), done: String(list.data?.delivered ?? 0) })}
      </Typography.Title>
      {(list.data?.groups ?? []).length === 0 && !list.isLoading && <Empty />}
      {(list.data?.groups ?? []).map((g) => (
        <Card
          key={`${g.route}-${g.volunteer}`}
          size="small"
          title={`${g.route ?? t('canteen.unassigned')} · ${g.volunteer ?? t('canteen.unassigned')}`}
          data-testid="canteen-delivery-group"
        >
          <Table
            size="small"
            rowKey="orderId"
            pagination={false}
            dataSource={g.stops}
            columns={[
              { title: t('canteen.dinerName'), dataIndex: 'name' },
              { title: '地址', dataIndex: 'address' },
              {
                key: 'mark',
                render: (_, s) => (
                  <Space>
                    {s.delivery !== null && (
                      <Tag color={s.delivery === 'delivered' ? 'green' : 'red'}>
                        {t(s.delivery === 'delivered' ? 'canteen.delivered' : 'canteen.notHome')}
                      </Tag>
                    )}
                    <span className="tz-no-print">
                      <Button size="small" onClick={() => mark.mutate({ orderId: s.orderId, mark: 'delivered' })}>
                        {t('canteen.delivered')}
                      </Button>{' '}
                      <Button size="small" onClick={() => mark.mutate({ orderId: s.orderId, mark: 'not_home' })}>
                        {t('canteen.notHome')}
                      </Button>
                    </span>
                  </Space>
                ),
              },
            ]}
          />
        </Card>
      ))}
    </Flex>
  );
}

function BillsTab({ canteen }: { canteen: Canteen }) {
  const { t } = useI18n();
  const [month, setMonth] = useState(dayjs().format('YYYY-MM'));
  const data = useBills(canteen.id, month);
  const rec = data.data?.rec;
  return (
    <Flex vertical gap={12}>
      <Flex gap={12} align="center">
        <DatePicker
          picker="month"
          allowClear={false}
          value={dayjs(`${month}-01`)}
          onChange={(d) => d !== null && setMonth(d.format('YYYY-MM'))}
          data-testid="canteen-bills-month"
        />
        <Typography.Text>
          {t('canteen.subsidyAccount')}: {canteen.subsidyAccount}
        </Typography.Text>
      </Flex>
      {rec !== undefined && (
        <Alert
          type={rec.isBalanced ? 'success' : 'error'}
          data-testid="canteen-reconciliation"
          data-balanced={rec.isBalanced ? 'yes' : 'no'}
          showIcon
          title={`${t(rec.isBalanced ? 'canteen.rec.balanced' : 'canteen.rec.unbalanced')}: ${t('canteen.meals')} ${rec.meals} · ${t('canteen.mealCost')} ${yuan(rec.mealCostFen)} = ${t('canteen.paidByDiner')} ${yuan(rec.paidByDinersFen)} + ${t('canteen.paidBySubsidy')} ${yuan(rec.paidBySubsidyFen)}`}
          description={t('canteen.rec.prepaid', {
            opening: yuan(rec.prepaid.openingFen),
            topups: yuan(rec.prepaid.topUpsFen),
            charged: yuan(rec.prepaid.chargedFen),
            refunded: yuan(rec.prepaid.refundedFen),
            closing: yuan(rec.prepaid.closingFen),
          })}
        />
      )}
      <Table
        size="small"
        rowKey="dinerId"
        loading={data.isLoading}
        dataSource={data.data?.bills.items ?? []}
        pagination={false}
        data-testid="canteen-bills"
        columns={[
          { title: t('canteen.dinerName'), dataIndex: 'name' },
          { title: t('canteen.meals'), dataIndex: 'meals' },
          { title: t('canteen.mealCost'), dataIndex: 'costFen', render: yuan },
          { title: t('canteen.paidByDiner'), dataIndex: 'paidByDinerFen', render: yuan },
          { title: t('canteen.paidBySubsidy'), dataIndex: 'paidBySubsidyFen', render: yuan },
        ]}
      />
    </Flex>
  );
}

/** 幸福食堂: the clerk's menus, diners and top-ups, meal-time sign-in, the delivery list, bills and reconciliation. */
export function CanteenPage() {
  const { t } = useI18n();
  const canteens = useCanteens();
  const [selected, setSelected] = useState<string | null>(null);
  if (canteens.isLoading) return <Skeleton active />;
  const list = canteens.data ?? [];
  const canteen = list.find((c) => c.id === selected) ?? list[0];
  if (canteen === undefined) return <Empty description={t('canteen.none')} />;
  return (
    <Flex vertical gap={12}>
      <Flex gap={12} align="center">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('nav.canteen')}
        </Typography.Title>
        {list.length > 1 ? (
          <Select
            value={canteen.id}
            onChange={setSelected}
            style={{ width: 260 }}
            options={list.map((c) => ({ value: c.id, label: `${c.orgName} · ${c.name}` }))}
          />
        ) : (
          <Typography.Text>{`${canteen.orgName} · ${canteen.name}`}</Typography.Text>
        )}
      </Flex>
      <Tabs
        key={canteen.id}
        items={[
          { key: 'menus', label: t('canteen.tab.menus'), children: <MenusTab canteen={canteen} /> },
          { key: 'diners', label: t('canteen.tab.diners'), children: <DinersTab canteen={canteen} /> },
          { key: 'service', label: t('canteen.tab.service'), children: <ServiceTab canteen={canteen} /> },
          { key: 'delivery', label: t('canteen.tab.delivery'), children: <DeliveryTab canteen={canteen} /> },
          { key: 'bills', label: t('canteen.tab.bills'), children: <BillsTab canteen={canteen} /> },
        ]}
      />
    </Flex>
  );
}
