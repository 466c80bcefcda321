import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Form,
  Input,
  InputNumber,
  List,
  Select,
  Skeleton,
  Switch,
  Typography,
} from 'antd';
import { useNavigate, useParams } from 'react-router-dom';
import { clearErrorsOnChange, errorText, showFieldErrors } from '../../shared/errors';
import { useI18n } from '../i18n';
import { PhoneLayout } from '../PhoneLayout';
import { type BookingBody, useBook, useMyCentres, useSchedule } from './api';
import { halfHours, spanLabel, todayInShanghai } from './labels';

interface Values {
  date: string;
  start: string;
  end: string;
  purpose: string;
  attendees: number;
  weekly: boolean;
  until?: string;
}

const FIELDS = ['date', 'start', 'end', 'purpose', 'attendees', 'repeat', 'spaceId'] as const;

function BusyTimes({ spaceId, from }: { spaceId: string; from: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { data } = useSchedule(spaceId, from);
  if (data === undefined) return null;
  return (
    <Card size="small" title={t('venues.busy', { from })} style={{ marginBottom: 12 }} data-testid="venue-busy">
      {data.items.length === 0 ? (
        <Typography.Text type="secondary">{t('venues.busy.none')}</Typography.Text>
      ) : (
        <List
          size="small"
          dataSource={data.items}
          renderItem={(b) => (
            <List.Item>
              {spanLabel(b.startsAt, b.endsAt, i18n.lang)}
              {b.activityTitle !== null && ` · ${t('venues.busy.activity', { title: b.activityTitle })}`}
              {b.status === 'pending' && ` · ${t('venues.status.pending')}`}
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

/** Books one room: the day, the half hours within its opening hours, and optionally every week up to a date. */
export function BookPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { spaceId = '' } = useParams();
  const { data, isLoading } = useMyCentres();
  const book = useBook();
  const [form] = Form.useForm<Values>();
  const date = Form.useWatch('date', form) ?? todayInShanghai();
  const weekly = Form.useWatch('weekly', form) ?? false;
  const space = data?.items.flatMap((c) => c.spaces).find((s) => s.id === spaceId);
  if (isLoading) return <Skeleton active />;
  if (space === undefined)
    return (
      <PhoneLayout title={t('venues.title')} back="/m/venues">
        <Empty description={t('venues.none')} />
      </PhoneLayout>
    );
  const times = halfHours(space.opens, space.closes).map((v) => ({ value: v, label: v }));
  const submit = (v: Values) => {
    const body: BookingBody = {
      spaceId,
      date: v.date,
      start: v.start,
      end: v.end,
      purpose: v.purpose,
      attendees: v.attendees,
      ...(v.weekly ? { repeat: { every: 'week' as const, ...(v.until ? { until: v.until } : {}) } } : {}),
    };
    book.mutate(body, {
      onSuccess: (res) => {
        const n = res.items.length;
        void message.success(
          res.items[0]?.status === 'pending' ? t('venues.booked.pending', { n }) : t('venues.booked.approved', { n }),
        );
        void navigate('/m/venues/mine');
      },
      onError: (error) => {
        showFieldErrors(form, error, i18n, FIELDS);
      },
    });
  };
  return (
    <PhoneLayout title={space.name} back="/m/venues">
      <Typography.Paragraph type="secondary">
        {space.areaM2} ㎡ · {t('venues.capacity', { n: space.capacity })} ·{' '}
        {t('venues.hours', { opens: space.opens, closes: space.closes })}
        {space.needsApproval && ` · ${t('venues.needsApproval')}`}
      </Typography.Paragraph>
      <BusyTimes spaceId={spaceId} from={/^\d{4}-\d{2}-\d{2}$/.test(date) ? date : todayInShanghai()} />
      <Card size="small">
        <Form<Values>
          form={form}
          layout="vertical"
          initialValues={{ date: todayInShanghai(), attendees: 1, weekly: false }}
          onValuesChange={clearErrorsOnChange(form)}
          onFinish={submit}
        >
          <Form.Item name="date" label={t('venues.form.date')} rules={[{ required: true }]}>
            <Input type="date" data-testid="venue-date" />
          </Form.Item>
          <Form.Item
            name="start"
            label={t('venues.form.start')}
            rules={[{ required: true, message: t('venues.form.required', { what: t('venues.form.start') }) }]}
          >
            <Select options={times} data-testid="venue-start" />
          </Form.Item>
          <Form.Item
            name="end"
            label={t('venues.form.end')}
            rules={[{ required: true, message: t('venues.form.required', { what: t('venues.form.end') }) }]}
          >
            <Select options={times} data-testid="venue-end" />
          </Form.Item>
          <Form.Item
            name="purpose"
            label={t('venues.form.purpose')}
            rules={[
              {
                required: true,
                whitespace: true,
                message: t('venues.form.required', { what: t('venues.form.purpose') }),
              },
            ]}
          >
            <Input maxLength={200} placeholder={t('venues.form.purpose.placeholder')} data-testid="venue-purpose" />
          </Form.Item>
          <Form.Item name="attendees" label={t('venues.form.attendees')} rules={[{ required: true }]}>
            <InputNumber min={1} max={space.capacity} style={{ width: '100%' }} data-testid="venue-attendees" />
          </Form.Item>
          <Form.Item name="weekly" label={t('venues.form.weekly')} valuePropName="checked">
            <Switch data-testid="venue-weekly" />
          </Form.Item>
          {weekly && (
            <Form.Item name={['until']} label={t('venues.form.until')}>
              <Input type="date" data-testid="venue-until" />
            </Form.Item>
          )}
          {/* the server names repeat.until when a weekly rule has no end: shown here */}
          <Form.Item name="repeat" hidden>
            <Input />
          </Form.Item>
          {book.error !== null && (
            <Alert
              type="error"
              showIcon
              title={errorText(book.error, i18n)}
              style={{ marginBottom: 12 }}
              data-testid="venue-error"
            />
          )}
          <Button
            type="primary"
            htmlType="submit"
            block
            size="large"
            loading={book.isPending}
            data-testid="venue-submit"
          >
            {t('venues.form.submit')}
          </Button>
        </Form>
      </Card>
    </PhoneLayout>
  );
}
