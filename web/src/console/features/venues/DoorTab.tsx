import { App, Button, Card, Col, Empty, List, Row, Tag, Typography } from 'antd';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { BookingCard, isCheckInTime } from './BookingCard';
import {
  type Activity,
  type Centre,
  checkInSignup,
  useActivities,
  useBookings,
  useSignups,
  useVenueMutation,
} from './queries';
import { addDays, dayOf, hoursOf, todayInShanghai, useNow } from './time';

function ActivityArrivals({ activity }: { activity: Activity }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const signups = useSignups(activity.id);
  const checkIn = useVenueMutation(checkInSignup);
  const now = useNow();
  const isOpen = isCheckInTime(activity, now);
  const confirmed = (signups.data?.items ?? []).filter((s) => s.status === 'confirmed');
  return (
    <Card size="small" style={{ marginBottom: 8, borderLeft: '4px solid #722ed1' }} data-testid="door-activity">
      <Typography.Text strong>{hoursOf(activity.startsAt, activity.endsAt)}</Typography.Text>{' '}
      {t('vc.door.activity', { title: activity.title })} · {activity.place}
      <List
        size="small"
        dataSource={confirmed}
        renderItem={(s) => (
          <List.Item
            data-testid="door-participant"
            data-name={s.name}
            extra={
              s.checkedInAt !== null ? (
                <Tag color="green">{t('venues.status.checkedIn')}</Tag>
              ) : (
                isOpen && (
                  <Button
                    size="large"
                    type="primary"
                    onClick={() =>
                      void checkIn
                        .mutateAsync({ activityId: activity.id, signupId: s.id })
                        .then(() => signups.refetch())
                        .catch((e: unknown) => message.error(errorText(e, i18n)))
                    }
                    data-testid="door-participant-check-in"
                  >
                    {t('vc.checkIn')}
                  </Button>
                )
              )
            }
          >
            {s.name}
          </List.Item>
        )}
      />
    </Card>
  );
}

/**
 * 门口签到: the front-desk tablet's view of today — each booking and activity in time order with a
 * large check-in button from 30 minutes before the start (the room's QR code does the same from a phone).
 * Late in the evening it also shows the first bookings after midnight whose check-in has already opened.
 */
export function DoorTab({ centre }: { centre: Centre }) {
  const { t } = useI18n();
  const today = todayInShanghai();
  const now = useNow();
  const bookings = useBookings(centre.id, today, addDays(today, 1));
  const activities = useActivities(centre.id, today);
  const todays = (bookings.data?.items ?? []).filter(
    (b) => b.status === 'approved' && b.activityId === null && (dayOf(b.startsAt) === today || isCheckInTime(b, now)),
  );
  const acts = (activities.data?.items ?? []).filter((a) => a.status === 'published' && dayOf(a.startsAt) === today);
  return (
    <Card size="small" title={t('vc.door.title', { day: today })} data-testid="door-view">
      <Typography.Paragraph type="secondary">{t('vc.door.hint')}</Typography.Paragraph>
      {todays.length === 0 && acts.length === 0 && <Empty description={t('vc.door.none')} />}
      <Row gutter={12}>
        <Col xs={24} lg={12}>
          {todays.map((b) => (
            <BookingCard key={b.id} booking={b} large />
          ))}
        </Col>
        <Col xs={24} lg={12}>
          {acts.map((a) => (
            <ActivityArrivals key={a.id} activity={a} />
          ))}
        </Col>
      </Row>
    </Card>
  );
}
