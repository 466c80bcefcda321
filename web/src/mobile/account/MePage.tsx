import { CalendarOutlined, HomeOutlined, IdcardOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Form, Input, List, Popconfirm, Skeleton, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { clearErrorsOnChange, errorText, showFieldErrors } from '../../shared/errors';
import { MessageSettings } from '../../shared/inbox/MessageSettings';
import { useI18n, type MessageKey } from '../i18n';
import { PhoneLayout } from '../PhoneLayout';
import { shortTime } from '../cases/time';
import {
  type BindingStatus,
  type MyAccount,
  useBind,
  useMyAccount,
  useMyAppointments,
  useMyHousehold,
  useUnbind,
} from './api';

/** One label and colour per binding state, everywhere the phone shows it. */
export const BINDING_STATES: Record<BindingStatus | 'none', { label: MessageKey; color: string }> = {
  none: { label: 'account.binding.none', color: 'default' },
  pending: { label: 'account.binding.pending', color: 'gold' },
  bound: { label: 'account.binding.bound', color: 'green' },
  rejected: { label: 'account.binding.rejected', color: 'red' },
  ended: { label: 'account.binding.none', color: 'default' },
};

function BindForm({ account }: { account: MyAccount }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [form] = Form.useForm<{ name: string; idNumber: string }>();
  const bind = useBind();
  return (
    <Form
      form={form}
      layout="vertical"
      requiredMark={false}
      onValuesChange={clearErrorsOnChange(form)}
      onFinish={(values) =>
        void bind.mutateAsync(values).catch((e: unknown) => {
          if (!showFieldErrors(form, e, i18n, ['name', 'idNumber'])) {
            form.setFields([{ name: 'idNumber', errors: [errorText(e, i18n)] }]);
          }
        })
      }
    >
      <Typography.Paragraph type="secondary">{t('account.bind.intro')}</Typography.Paragraph>
      <Form.Item
        name="name"
        label={t('account.bind.name')}
        rules={[{ required: true, whitespace: true, message: t('account.bind.nameRequired') }]}
      >
        <Input size="large" prefix={<UserOutlined />} maxLength={40} autoComplete="name" data-testid="bind-name" />
      </Form.Item>
      <Form.Item
        name="idNumber"
        label={t('account.bind.idNumber')}
        extra={t('account.bind.left', { n: account.bindAttemptsLeft })}
        rules={[{ required: true, whitespace: true, message: t('account.bind.idNumberRequired') }]}
      >
        <Input size="large" prefix={<IdcardOutlined />} maxLength={18} autoComplete="off" data-testid="bind-id" />
      </Form.Item>
      <Button
        type="primary"
        htmlType="submit"
        size="large"
        block
        loading={bind.isPending}
        disabled={account.bindAttemptsLeft === 0}
        data-testid="bind-submit"
      >
        {t('account.bind.submit')}
      </Button>
    </Form>
  );
}

function HouseholdCard() {
  const i18n = useI18n();
  const { t } = i18n;
  const household = useMyHousehold(true);
  const unbind = useUnbind();
  if (household.isPending) return <Skeleton active />;
  if (household.error !== null) return <Alert type="error" showIcon message={errorText(household.error, i18n)} />;
  const h = household.data;
  return (
    <Card
      size="small"
      title={
        <>
          <HomeOutlined /> {t('account.household.title')}
        </>
      }
      data-testid="my-household"
    >
      <Descriptions column={1} size="small">
        <Descriptions.Item label={t('account.household.community')}>{h.communityName}</Descriptions.Item>
        <Descriptions.Item label={t('account.household.address')}>{h.address}</Descriptions.Item>
      </Descriptions>
      <Typography.Text strong>{t('account.household.members')}</Typography.Text>
      <List
        size="small"
        dataSource={h.members}
        renderItem={(m) => (
          <List.Item data-testid="household-member">
            <List.Item.Meta
              title={
                <>
                  {m.name} · {m.relation} {m.isSelf && <Tag color="blue">{t('account.household.self')}</Tag>}
                </>
              }
              description={
                <>
                  {t('account.household.born', { year: m.birthYear })}
                  {m.idNumber !== null && <div className="tz-meta">{m.idNumber}</div>}
                  {m.phone !== null && <div className="tz-meta">{m.phone}</div>}
                </>
              }
            />
          </List.Item>
        )}
      />
      <Typography.Paragraph type="secondary" className="tz-meta">
        {t('account.household.masked')}
      </Typography.Paragraph>
      <Popconfirm title={t('account.bind.unbindConfirm')} onConfirm={() => void unbind.mutateAsync()}>
        <Button danger block loading={unbind.isPending}>
          {t('account.bind.unbind')}
        </Button>
      </Popconfirm>
    </Card>
  );
}

/** 走访预约: the visits her grid worker has set, soonest first; nothing while there are none. */
function AppointmentsCard() {
  const { t, lang } = useI18n();
  const appointments = useMyAppointments(true);
  if (appointments.data === undefined || appointments.data.length === 0) return null;
  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      title={
        <>
          <CalendarOutlined /> {t('account.appointments.title')}
        </>
      }
      data-testid="my-appointments"
    >
      <List
        size="small"
        dataSource={appointments.data}
        renderItem={(a) => (
          <List.Item data-testid="my-appointment">
            <List.Item.Meta
              title={t('account.appointments.line', { time: shortTime(a.at, lang), worker: a.workerName })}
              description={a.note}
            />
          </List.Item>
        )}
      />
    </Card>
  );
}

/** 我的: how she signs in, where her binding stands, the bind form, and her household once bound. */
/** 消息设置: every signed-in resident chooses her channels and quiet hours here, whatever her account's state. */
function MessageSettingsCard() {
  const { t } = useI18n();
  return (
    <Card size="small" title={t('inbox.settings')} style={{ marginTop: 12 }} data-testid="me-message-settings">
      <MessageSettings audience="resident" />
    </Card>
  );
}

export function MePage() {
  const i18n = useI18n();
  const { t } = i18n;
  const account = useMyAccount();
  const unbind = useUnbind();
  if (account.isPending) {
    return (
      <PhoneLayout title={t('account.me.title')}>
        <Skeleton active />
      </PhoneLayout>
    );
  }
  if (account.error !== null) {
    return (
      <PhoneLayout title={t('account.me.title')}>
        <Alert type="error" showIcon message={errorText(account.error, i18n)} />
        <MessageSettingsCard />
      </PhoneLayout>
    );
  }
  const a = account.data;
  const status = a.binding?.status ?? 'none';
  const state = BINDING_STATES[status];
  const canBind = status === 'none' || status === 'ended' || status === 'rejected';
  return (
    <PhoneLayout title={t('account.me.title')}>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Typography.Title level={5} style={{ marginTop: 0 }}>
          {a.displayName}
        </Typography.Title>
        <Descriptions column={1} size="small">
          {a.phone !== null && <Descriptions.Item label={t('account.me.phone')}>{a.phone}</Descriptions.Item>}
          {a.hasWechat && (
            <Descriptions.Item label={t('account.me.wechat')}>{t('account.me.wechatLinked')}</Descriptions.Item>
          )}
          <Descriptions.Item label={t('account.me.binding')}>
            <Tag color={state.color} data-testid="binding-state" data-status={status}>
              {t(state.label)}
            </Tag>
          </Descriptions.Item>
        </Descriptions>
      </Card>
      {status === 'bound' && (
        <Link to="/m/notices" data-testid="me-notices">
          <Card size="small" hoverable style={{ marginBottom: 12 }}>
            <Typography.Text strong>{t('notices.title')}</Typography.Text>
            <br />
            <Typography.Text type="secondary">{t('notices.entry')}</Typography.Text>
          </Card>
        </Link>
      )}
      {status === 'bound' && (
        <Link to="/m/funds" data-testid="me-funds">
          <Card size="small" hoverable style={{ marginBottom: 12 }}>
            <Typography.Text strong>{t('funds.title')}</Typography.Text>
            <br />
            <Typography.Text type="secondary">{t('funds.entry')}</Typography.Text>
          </Card>
        </Link>
      )}
      <Link to="/m/dual" data-testid="me-dual">
        <Card size="small" hoverable style={{ marginBottom: 12 }}>
          <Typography.Text strong>{t('dual.title')}</Typography.Text>
          <br />
          <Typography.Text type="secondary">{t('dual.entry')}</Typography.Text>
        </Card>
      </Link>
      {status === 'bound' && (
        <Link to="/m/points" data-testid="me-points">
          <Card size="small" hoverable style={{ marginBottom: 12 }}>
            <Typography.Text strong>{t('points.title')}</Typography.Text>
            <br />
            <Typography.Text type="secondary">{t('points.entry')}</Typography.Text>
          </Card>
        </Link>
      )}
      {status === 'bound' && (
        <Link to="/m/venues" data-testid="me-venues">
          <Card size="small" hoverable style={{ marginBottom: 12 }}>
            <Typography.Text strong>{t('venues.title')}</Typography.Text>
            <br />
            <Typography.Text type="secondary">{t('venues.entry')}</Typography.Text>
          </Card>
        </Link>
      )}
      {status === 'bound' && (
        <Link to="/m/councils" data-testid="me-councils">
          <Card size="small" hoverable style={{ marginBottom: 12 }}>
            <Typography.Text strong>{t('councils.title')}</Typography.Text>
            <br />
            <Typography.Text type="secondary">{t('councils.entry')}</Typography.Text>
          </Card>
        </Link>
      )}
      {status === 'bound' && (
        <Link to="/m/canteen" data-testid="me-canteen">
          <Card size="small" hoverable style={{ marginBottom: 12 }}>
            <Typography.Text strong>{t('canteen.title')}</Typography.Text>
            <br />
            <Typography.Text type="secondary">{t('canteen.entry')}</Typography.Text>
          </Card>
        </Link>
      )}
      {status === 'bound' && <AppointmentsCard />}
      {status === 'bound' && <HouseholdCard />}
      {status === 'pending' && (
        <Card size="small">
          <Alert type="info" showIcon message={t('account.bind.pendingHint')} style={{ marginBottom: 12 }} />
          <Button block loading={unbind.isPending} onClick={() => void unbind.mutateAsync()}>
            {t('account.bind.withdraw')}
          </Button>
        </Card>
      )}
      {canBind && (
        <Card size="small">
          {status === 'rejected' && a.binding?.note != null && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 12 }}
              message={t('account.bind.rejectedHint', { note: a.binding.note })}
            />
          )}
          <BindForm account={a} />
        </Card>
      )}
      <MessageSettingsCard />
    </PhoneLayout>
  );
}
