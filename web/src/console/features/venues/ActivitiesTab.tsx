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
  callOffActivity,
  changeActivity,
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

/** The form's values for an activity being changed: its day and times in Shanghai. */
function formValuesOf(a: Activity): Partial<ActivityForm> {
  const start = dayjs.utc(a.startsAt).tz(DISPLAY_ZONE);
  const end = dayjs.utc(a.endsAt).tz(DISPLAY_ZONE);
  return {
    title: a.title,
    host: a.host,
    audience: a.audience,
    capacity: a.capacity,
    description: a.description ?? undefined,
    ...(a.spaceId === null ? { place: a.place } : { spaceId: a.spaceId }),
    date: dayjs(start.format('YYYY-MM-DD')),
    start: start.format('HH:mm'),
    end: end.format('HH:mm'),
  };
}

/** Publishes an activity, or — given `editing` — changes one (its room stays; a new time moves the room's booking). */
function ActivityModal({
  centre,
  open,
  editing,
  onClose,
}: {
  centre: Centre;
  open: boolean;
  editing: Activity | null;
  onClose: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<ActivityForm>();
  const create = useVenueMutation(createActivity);
  const change = useVenueMutation(changeActivity);
  const spaceId = Form.useWatch('spaceId', form);
  const save = (v: ActivityForm) => {
    const date = v.date.format('YYYY-MM-DD');
    if (editing === null)
      return create.mutateAsync({
        ...v,
        centreId: centre.id,
        date,
        ...(v.spaceId === undefined ? {} : { place: undefined }),
      });
    // the room stays: a new time moves its booking
    const { place, description, title, host, audience, capacity, start, end } = v;
    return change.mutateAsync({
      id: editing.id,
      body: {
        title,
        host,
        audience,
        capacity,
        start,
        end,
        date,
        description: description === undefined || description.trim() === '' ? null : description,
        ...(editing.spaceId === null && place !== undefined ? { place } : {}),
      },
    });
  };
  const submit = (v: ActivityForm) =>
    save(v)
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
      title={editing === null ? t('vc.activity.new') : t('vc.activity.change', { title: editing.title })}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending || change.isPending}
      okButtonProps={{ ...({ 'data-testid': 'activity-save' } as Record<string, string>) }}
    >
      {editing !== null && <Typography.Paragraph type="secondary">{t('vc.activity.changeHint')}</Typography.Paragraph>}
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={editing === null ? { audience: 'all', host: centre.name, capacity: 20 } : formValuesOf(editing)}
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
              disabled={editing !== null}
              style={{ width: 200 }}
              options={centre.spaces
                .filter((s) => s.isActive)
                .map((s) => ({ value: s.id, label: `${s.name}（${s.capacity}）` }))}
              data-testid="activity-room"
            />
          </Form.Item>
          {spaceId === undefined && (editing === null || editing.spaceId === null) && (
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

/** Calls an activity off, saying why (those signed up are told). */
function CallOffModal({ activity, onClose }: { activity: Activity | null; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const callOff = useVenueMutation(callOffActivity);
  const submit = (v: { reason: string }) =>
    callOff
      .mutateAsync({ id: activity!.id, reason: v.reason })
      .then(() => {
        message.success(t('vc.activity.calledOff'));
        onClose();
      })
      .catch((e: unknown) => {
        if (!showFieldErrors(form, e, i18n, ['reason'])) message.error(errorText(e, i18n));
      });
  return (
    <Modal
      open={activity !== null}
      destroyOnHidden
      title={t('vc.activity.callOff.title', { title: activity?.title ?? '' })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ danger: true, ...({ 'data-testid': 'activity-call-off-confirm' } as Record<string, string>) }}
      okText={t('vc.activity.callOff')}
      confirmLoading={callOff.isPending}
    >
      <Typography.Paragraph type="secondary">
        {t('vc.activity.callOff.hint', { n: (activity?.confirmed ?? 0) + (activity?.waiting ?? 0) })}
      </Typography.Paragraph>
      <Form form={form} layout="vertical" preserve={false} onFinish={(v) => void submit(v)}>
        <Form.Item
          name="reason"
          label={t('vc.activity.callOff.reason')}
          rules={[
            { required: true, whitespace: true, message: t('vc.required', { what: t('vc.activity.callOff.reason') }) },
          ]}
        >
          <Input maxLength={200} data-testid="activity-call-off-reason" />
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
  const [editing, setEditing] = useState<Activity | null>(null);
  const [callingOff, setCallingOff] = useState<Activity | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const now = useNow();
  const columns: TableColumnsType<Activity> = [
    {
      title: t('vc.activity.title'),
      dataIndex: 'title',
      render: (v: string, a) => (
        <Space>
          <strong>{v}</strong>
          <Tag>{t(`venues.audience.${a.audience}`)}</Tag>
          {a.status === 'cancelled' && <Tag color="red">{t('venues.activity.calledOff')}</Tag>}
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
        <Space size={4}>
          <Button size="small" onClick={() => setOpen(a.id)} data-testid="activity-open">
            {t('vc.activity.open')}
          </Button>
          {a.status === 'published' && Date.parse(a.startsAt) > now && (
            <>
              <Button size="small" onClick={() => setEditing(a)} data-testid="activity-change">
                {t('vc.activity.changeButton')}
              </Button>
              <Button size="small" danger onClick={() => setCallingOff(a)} data-testid="activity-call-off">
                {t('vc.activity.callOff')}
              </Button>
            </>
          )}
        </Space>
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
      <ActivityModal
        centre={centre}
        open={isNew || editing !== null}
        editing={editing}
        onClose={() => {
          setNew(false);
          setEditing(null);
        }}
      />
      <CallOffModal activity={callingOff} onClose={() => setCallingOff(null)} />
      <SignupsDrawer activityId={open} onClose={() => setOpen(null)} />
    </Card>
  );
}
