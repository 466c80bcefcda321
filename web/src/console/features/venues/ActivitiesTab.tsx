import {
  App,
  Button,
  Card,
  DatePicker,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { dayjs, DISPLAY_ZONE, formatTime } from '../../../shared/time';
import { AUDIENCE_KEYS } from '../../../shared/venue-vocabulary';
import { useI18n } from '../../app/i18n';
import { isCheckInTime } from './BookingCard';
import {
  type Activity,
  type ActivityBody,
  type Centre,
  type Signup,
  checkInSignup,
  createActivity,
  useActivities,
  useSignups,
  useVenueMutation,
} from './queries';
import { HALF_HOURS, spanOf, useNow } from './time';

interface ActivityForm extends Omit<ActivityBody, 'date' | 'centreId'> {
  date: dayjs.Dayjs;
}

function NewActivityModal({ centre, open, onClose }: { centre: Centre; open: boolean; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<ActivityForm>();
  const create = useVenueMutation(createActivity);
  const spaceId = Form.useWatch('spaceId', form);
  const submit = (v: ActivityForm) =>
    create
      .mutateAsync({
        ...v,
        centreId: centre.id,
        date: v.date.format('YYYY-MM-DD'),
        ...(v.spaceId === undefined ? {} : { place: undefined }),
      })
      .then(() => {
        message.success(t('vc.saved'));
        onClose();
      })
      .catch((e: unknown) => {
        if (
          !showFieldErrors(form, e, i18n, [
            'spaceId',
            'place',
            'title',
            'description',
            'audience',
            'host',
            'date',
            'start',
            'end',
            'capacity',
          ])
        )
          message.error(errorText(e, i18n));
      });
  const required = (what: string) => [{ required: true, message: t('vc.required', { what }) }];
  const times = HALF_HOURS.map((h) => ({ value: h, label: h }));
  return (
    <Modal
      open={open}
      destroyOnHidden
      width={620}
      title={t('vc.activity.new')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      okButtonProps={{ ...({ 'data-testid': 'activity-save' } as Record<string, string>) }}
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ audience: 'all', host: centre.name, capacity: 20 }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item name="title" label={t('vc.activity.title')} rules={required(t('vc.activity.title'))}>
          <Input maxLength={100} data-testid="activity-title" />
        </Form.Item>
        <Space wrap>
          <Form.Item name="host" label={t('vc.activity.host')} rules={required(t('vc.activity.host'))}>
            <Input maxLength={100} style={{ width: 220 }} />
          </Form.Item>
          <Form.Item name="audience" label={t('vc.activity.audience')}>
            <Select
              style={{ width: 140 }}
              options={AUDIENCE_KEYS.map((a) => ({ value: a, label: t(`venues.audience.${a}`) }))}
            />
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item name="spaceId" label={t('vc.activity.room')}>
            <Select
              allowClear
              style={{ width: 200 }}
              options={centre.spaces
                .filter((s) => s.isActive)
                .map((s) => ({ value: s.id, label: `${s.name}（${s.capacity}）` }))}
              data-testid="activity-room"
            />
          </Form.Item>
          {spaceId === undefined && (
            <Form.Item name="place" label={t('vc.activity.place')}>
              <Input maxLength={200} style={{ width: 220 }} />
            </Form.Item>
          )}
        </Space>
        <Space wrap>
          <Form.Item name="date" label={t('vc.booking.date')} rules={required(t('vc.booking.date'))}>
            <DatePicker data-testid="activity-date" />
          </Form.Item>
          <Form.Item name="start" label={t('vc.booking.start')} rules={required(t('vc.booking.start'))}>
            <Select style={{ width: 100 }} options={times} data-testid="activity-start" />
          </Form.Item>
          <Form.Item name="end" label={t('vc.booking.end')} rules={required(t('vc.booking.end'))}>
            <Select style={{ width: 100 }} options={times} data-testid="activity-end" />
          </Form.Item>
          <Form.Item name="capacity" label={t('vc.activity.capacity')} rules={required(t('vc.activity.capacity'))}>
            <InputNumber min={1} max={10000} precision={0} data-testid="activity-capacity" />
          </Form.Item>
        </Space>
        <Form.Item name="description" label={t('vc.activity.description')}>
          <Input.TextArea maxLength={1000} rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function SignupsDrawer({ activityId, onClose }: { activityId: string | null; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const list = useSignups(activityId);
  const now = useNow();
  const checkIn = useVenueMutation(checkInSignup);
  const a = list.data?.activity;
  const columns: TableColumnsType<Signup> = [
    { title: t('vc.signup.name'), dataIndex: 'name' },
    {
      title: t('vc.signup.status'),
      key: 'status',
      render: (_v, s) =>
        s.status === 'confirmed' ? (
          <Tag color="green">{t('vc.signup.confirmed')}</Tag>
        ) : s.status === 'waiting' ? (
          <Tag color="gold">{t('vc.signup.waiting', { n: s.position ?? 0 })}</Tag>
        ) : (
          <Tag>{t('vc.signup.cancelled')}</Tag>
        ),
    },
    { title: t('vc.signup.at'), dataIndex: 'queuedAt', render: (v: string) => formatTime(v) },
    {
      key: 'act',
      render: (_v, s) =>
        s.checkedInAt !== null ? (
          <Tag color="green">
            {t('vc.checkedIn', { time: dayjs.utc(s.checkedInAt).tz(DISPLAY_ZONE).format('HH:mm') })}
          </Tag>
        ) : (
          s.status === 'confirmed' &&
          a !== undefined &&
          isCheckInTime(a, now) && (
            <Button
              size="small"
              type="primary"
              onClick={() =>
                void checkIn
                  .mutateAsync({ activityId: a.id, signupId: s.id })
                  .then(() => list.refetch())
                  .catch((e: unknown) => message.error(errorText(e, i18n)))
              }
              data-testid="signup-check-in"
            >
              {t('vc.checkIn')}
            </Button>
          )
        ),
    },
  ];
  return (
    <Drawer open={activityId !== null} onClose={onClose} width={640} title={a?.title}>
      {a !== undefined && (
        <>
          <Typography.Paragraph>
            {spanOf(a.startsAt, a.endsAt)} · {a.place} · {a.host}
          </Typography.Paragraph>
          <Typography.Paragraph strong data-testid="signup-counts">
            {t('vc.activity.places', { confirmed: a.confirmed, capacity: a.capacity, waiting: a.waiting })}
          </Typography.Paragraph>
          <Table
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={list.data?.items ?? []}
            pagination={false}
            locale={{ emptyText: t('vc.signup.none') }}
            onRow={(s) => ({ 'data-testid': 'signup-row', 'data-name': s.name, 'data-status': s.status }) as object}
          />
        </>
      )}
    </Drawer>
  );
}

/** 活动: the centre's activities ahead, publishing one, and each one's sign-ups, waiting list and check-in. */
export function ActivitiesTab({ centre }: { centre: Centre }) {
  const { t } = useI18n();
  const list = useActivities(centre.id);
  const [isNew, setNew] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const columns: TableColumnsType<Activity> = [
    {
      title: t('vc.activity.title'),
      dataIndex: 'title',
      render: (v: string, a) => (
        <Space>
          <strong>{v}</strong>
          <Tag>{t(`venues.audience.${a.audience}`)}</Tag>
          {a.status === 'cancelled' && <Tag color="red">{t('vc.activity.cancelled')}</Tag>}
        </Space>
      ),
    },
    { title: t('vc.activity.time'), key: 'time', render: (_v, a) => spanOf(a.startsAt, a.endsAt) },
    { title: t('vc.activity.where'), dataIndex: 'place' },
    { title: t('vc.activity.host'), dataIndex: 'host' },
    {
      title: t('vc.activity.capacity'),
      key: 'places',
      render: (_v, a) => t('vc.activity.places', { confirmed: a.confirmed, capacity: a.capacity, waiting: a.waiting }),
    },
    {
      key: 'act',
      render: (_v, a) => (
        <Button size="small" onClick={() => setOpen(a.id)} data-testid="activity-open">
          {t('vc.activity.open')}
        </Button>
      ),
    },
  ];
  return (
    <Card size="small">
      <Button type="primary" style={{ marginBottom: 12 }} onClick={() => setNew(true)} data-testid="activity-new">
        {t('vc.activity.new')}
      </Button>
      <Table
        rowKey="id"
        size="small"
        loading={list.isLoading}
        columns={columns}
        dataSource={list.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('vc.activity.none') }}
        onRow={(a) => ({ 'data-testid': 'activity-row', 'data-title': a.title }) as object}
        scroll={{ x: true }}
      />
      <NewActivityModal centre={centre} open={isNew} onClose={() => setNew(false)} />
      <SignupsDrawer activityId={open} onClose={() => setOpen(null)} />
    </Card>
  );
}
