import {
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Switch,
  Typography,
} from 'antd';
import { useState } from 'react';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { dayjs } from '../../../shared/time';
import { BOOKER_KIND_KEYS } from '../../../shared/venue-vocabulary';
import { useI18n } from '../../app/i18n';
import { BookingCard } from './BookingCard';
import { type Centre, createStaffBooking, useBookings, useVenueMutation } from './queries';
import { addDays, dayOf, halfHoursBetween, mondayOf, todayInShanghai } from './time';

interface StaffBookingForm {
  spaceId: string;
  date: dayjs.Dayjs;
  start: string;
  end: string;
  purpose: string;
  attendees: number;
  bookerKind: 'team' | 'partner' | 'staff' | 'resident';
  weekly: boolean;
  until?: dayjs.Dayjs;
}

function StaffBookingModal({ centre, open, onClose }: { centre: Centre; open: boolean; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<StaffBookingForm>();
  const spaceId = Form.useWatch('spaceId', form);
  const weekly = Form.useWatch('weekly', form);
  const space = centre.spaces.find((s) => s.id === spaceId);
  const times = (space === undefined ? [] : halfHoursBetween(space.opens, space.closes)).map((h) => ({
    value: h,
    label: h,
  }));
  const book = useVenueMutation(createStaffBooking);
  const submit = (v: StaffBookingForm) =>
    book
      .mutateAsync({
        spaceId: v.spaceId,
        date: v.date.format('YYYY-MM-DD'),
        start: v.start,
        end: v.end,
        purpose: v.purpose,
        attendees: v.attendees,
        bookerKind: v.bookerKind === 'resident' ? 'team' : v.bookerKind,
        ...(v.weekly
          ? {
              repeat: {
                every: 'week' as const,
                ...(v.until === undefined ? {} : { until: v.until.format('YYYY-MM-DD') }),
              },
            }
          : {}),
      })
      .then((r) => {
        message.success(t('vc.booking.made', { n: r.items.length }));
        onClose();
      })
      .catch((e: unknown) => {
        if (!showFieldErrors(form, e, i18n, ['spaceId', 'date', 'start', 'end', 'purpose', 'attendees', 'repeat']))
          message.error(errorText(e, i18n));
      });
  const required = (what: string) => [{ required: true, message: t('vc.required', { what }) }];
  return (
    <Modal
      open={open}
      destroyOnHidden
      title={t('vc.booking.new')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={book.isPending}
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ bookerKind: 'team', attendees: 10, weekly: false }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item name="spaceId" label={t('vc.booking.room')} rules={required(t('vc.booking.room'))}>
          <Select
            options={centre.spaces.filter((s) => s.isActive).map((s) => ({ value: s.id, label: s.name }))}
            data-testid="staff-booking-room"
          />
        </Form.Item>
        <Space wrap>
          <Form.Item name="date" label={t('vc.booking.date')} rules={required(t('vc.booking.date'))}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="start" label={t('vc.booking.start')} rules={required(t('vc.booking.start'))}>
            <Select style={{ width: 100 }} options={times} />
          </Form.Item>
          <Form.Item name="end" label={t('vc.booking.end')} rules={required(t('vc.booking.end'))}>
            <Select style={{ width: 100 }} options={times} />
          </Form.Item>
        </Space>
        <Form.Item name="purpose" label={t('vc.booking.purpose')} rules={required(t('vc.booking.purpose'))}>
          <Input maxLength={200} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="attendees" label={t('vc.booking.attendees')} rules={required(t('vc.booking.attendees'))}>
            <InputNumber min={1} max={space?.capacity ?? 10000} precision={0} />
          </Form.Item>
          <Form.Item name="bookerKind" label={t('vc.booking.for')}>
            <Select
              style={{ width: 140 }}
              options={BOOKER_KIND_KEYS.filter((k) => k !== 'resident').map((k) => ({
                value: k,
                label: t(`venues.bookerKind.${k}`),
              }))}
            />
          </Form.Item>
          <Form.Item name="weekly" label={t('vc.booking.weekly')} valuePropName="checked">
            <Switch />
          </Form.Item>
          {weekly === true && (
            <Form.Item name="until" label={t('vc.booking.until')} rules={required(t('vc.booking.until'))}>
              <DatePicker />
            </Form.Item>
          )}
        </Space>
      </Form>
    </Modal>
  );
}

/**
 * 预约日历: the week of one room (or all), Monday to Sunday, each booking with its actions; above it the
 * bookings waiting for approval, a weekly one listed once.
 */
export function CalendarTab({ centre }: { centre: Centre }) {
  const { t } = useI18n();
  const [monday, setMonday] = useState(() => mondayOf(todayInShanghai()));
  const [spaceId, setSpaceId] = useState<string>('all');
  const [isBooking, setBooking] = useState(false);
  const week = useBookings(centre.id, monday, addDays(monday, 6));
  const pending = useBookings(centre.id, '', '', 'pending');
  const shown = (week.data?.items ?? []).filter(
    (b) => b.status !== 'rejected' && b.status !== 'cancelled' && (spaceId === 'all' || b.spaceId === spaceId),
  );
  // a weekly booking waits as a whole: show its first occurrence, with how many
  const series = new Map<string, number>();
  for (const b of pending.data?.items ?? [])
    if (b.seriesId !== null) series.set(b.seriesId, (series.get(b.seriesId) ?? 0) + 1);
  const queue = (pending.data?.items ?? []).filter(
    (b, i, all) => b.seriesId === null || all.findIndex((x) => x.seriesId === b.seriesId) === i,
  );
  const days = Array.from({ length: 7 }, (_, i) => addDays(monday, i));
  return (
    <>
      <Card
        size="small"
        title={t('vc.pending', { n: queue.length })}
        style={{ marginBottom: 12 }}
        data-testid="pending-queue"
      >
        {queue.length === 0 ? (
          <Typography.Text type="secondary">{t('vc.pending.none')}</Typography.Text>
        ) : (
          <Row gutter={8}>
            {queue.map((b) => (
              <Col key={b.id} xs={24} md={12} xl={8}>
                {b.seriesId !== null && (
                  <Typography.Text type="secondary">
                    {t('vc.pending.weekly', { n: series.get(b.seriesId) ?? 1 })}
                  </Typography.Text>
                )}
                <BookingCard booking={b} showDay />
              </Col>
            ))}
          </Row>
        )}
      </Card>
      <Space wrap style={{ marginBottom: 12 }}>
        <Button onClick={() => setMonday(addDays(monday, -7))} data-testid="week-prev">
          {t('vc.week.prev')}
        </Button>
        <Button onClick={() => setMonday(mondayOf(todayInShanghai()))}>{t('vc.week.this')}</Button>
        <Button onClick={() => setMonday(addDays(monday, 7))} data-testid="week-next">
          {t('vc.week.next')}
        </Button>
        <Typography.Text strong data-testid="week-of">
          {monday} – {addDays(monday, 6)}
        </Typography.Text>
        <Select
          style={{ width: 160 }}
          value={spaceId}
          onChange={setSpaceId}
          options={[
            { value: 'all', label: t('vc.room.all') },
            ...centre.spaces.map((s) => ({ value: s.id, label: s.name })),
          ]}
          data-testid="calendar-room"
        />
        <Button type="primary" onClick={() => setBooking(true)} data-testid="staff-booking-new">
          {t('vc.booking.new')}
        </Button>
      </Space>
      <div
        style={{ display: 'grid', gridTemplateColumns: 'repeat(7, minmax(150px, 1fr))', gap: 8, overflowX: 'auto' }}
        data-testid="week-grid"
      >
        {days.map((day, i) => {
          const items = shown.filter((b) => dayOf(b.startsAt) === day);
          return (
            <div key={day} data-testid="week-day" data-day={day}>
              <Typography.Text strong style={{ color: day === todayInShanghai() ? '#1677ff' : undefined }}>
                {t(`venues.weekday.${(i + 1) as 1}`)} {dayjs.utc(day).format('MM-DD')}
              </Typography.Text>
              <div style={{ marginTop: 6 }}>
                {items.length === 0 ? (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('vc.day.empty')} />
                ) : (
                  items.map((b) => <BookingCard key={b.id} booking={b} />)
                )}
              </div>
            </div>
          );
        })}
      </div>
      <StaffBookingModal centre={centre} open={isBooking} onClose={() => setBooking(false)} />
    </>
  );
}
