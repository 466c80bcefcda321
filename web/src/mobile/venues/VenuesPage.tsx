import { Alert, App, Button, Card, Empty, Flex, List, Popconfirm, Segmented, Skeleton, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { errorText } from '../../shared/errors';
import { type MessageKey, useI18n } from '../i18n';
import { PhoneLayout } from '../PhoneLayout';
import {
  type Activity,
  type Space,
  useCancelBooking,
  useMyActivities,
  useMyBookings,
  useMyCentres,
  useSignUp,
} from './api';
import { bookingState, spanLabel } from './labels';

function SpaceCard({ space }: { space: Space }) {
  const { t } = useI18n();
  return (
    <Card size="small" data-testid="venue-space" data-name={space.name} style={{ marginBottom: 8 }}>
      {space.photoIds.length > 0 && (
        <Flex gap={4} style={{ overflowX: 'auto', marginBottom: 8 }}>
          {space.photoIds.map((id) => (
            <img
              key={id}
              src={`/api/v1/venue-photos/${id}`}
              alt={space.name}
              loading="lazy"
              style={{ height: 72, borderRadius: 4, objectFit: 'cover' }}
            />
          ))}
        </Flex>
      )}
      <Flex justify="space-between" align="center" gap={8}>
        <div>
          <Typography.Text strong>{space.name}</Typography.Text>{' '}
          {space.needsApproval && <Tag color="gold">{t('venues.needsApproval')}</Tag>}
          <br />
          <Typography.Text type="secondary" style={{ fontSize: 13 }}>
            {space.areaM2} ㎡ · {t('venues.capacity', { n: space.capacity })} ·{' '}
            {t('venues.hours', { opens: space.opens, closes: space.closes })}
            {space.closedWeekdays.length > 0 &&
              ` · ${t('venues.closed', {
                days: space.closedWeekdays.map((d) => t(`venues.weekday.${d}` as MessageKey)).join('、'),
              })}`}
          </Typography.Text>
          {space.equipment !== null && (
            <>
              <br />
              <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                {space.equipment}
              </Typography.Text>
            </>
          )}
        </div>
        <Link to={`/m/venues/book/${space.id}`}>
          <Button type="primary" data-testid="venue-book">
            {t('venues.book')}
          </Button>
        </Link>
      </Flex>
    </Card>
  );
}

function Rooms() {
  const { t } = useI18n();
  const { data, isLoading } = useMyCentres();
  if (isLoading || data === undefined) return <Skeleton active />;
  if (!data.isBound) return <Alert type="info" showIcon title={t('venues.unbound')} />;
  if (data.items.length === 0) return <Empty description={t('venues.none')} />;
  return (
    <>
      {data.items.map((c) => (
        <div key={c.id} style={{ marginBottom: 12 }}>
          <Typography.Title level={5} style={{ margin: '4px 0' }}>
            {c.orgName} · {c.name}
          </Typography.Title>
          {c.residentShare !== null && (
            <Typography.Paragraph type="secondary" style={{ margin: '0 0 8px' }}>
              {t('venues.area', { total: c.totalAreaM2, share: Math.round(c.residentShare * 100) })}
            </Typography.Paragraph>
          )}
          {c.spaces.map((s) => (
            <SpaceCard key={s.id} space={s} />
          ))}
        </div>
      ))}
    </>
  );
}

function MyBookingsList() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const { data, isLoading } = useMyBookings();
  const cancel = useCancelBooking();
  if (isLoading || data === undefined) return <Skeleton active />;
  const { standing } = data;
  return (
    <>
      {standing.isPaused ? (
        <Alert type="error" showIcon title={t('venues.paused')} style={{ marginBottom: 8 }} />
      ) : (
        standing.noShows > 0 && (
          <Alert
            type="warning"
            title={t('venues.standing', { days: standing.windowDays, n: standing.noShows, limit: standing.limit })}
            style={{ marginBottom: 8 }}
          />
        )
      )}
      {cancel.error !== null && (
        <Alert type="error" showIcon title={errorText(cancel.error, i18n)} style={{ marginBottom: 8 }} />
      )}
      {data.items.length === 0 ? (
        <Empty description={t('venues.mine.none')} />
      ) : (
        <List
          dataSource={data.items}
          renderItem={(b) => {
            const state = bookingState(b);
            return (
              <List.Item data-testid="my-booking" data-status={b.status}>
                <Flex vertical style={{ width: '100%' }} gap={4}>
                  <Flex justify="space-between" align="center">
                    <Typography.Text strong>{b.spaceName}</Typography.Text>
                    <Tag color={state.color} data-testid="my-booking-status">
                      {t(state.label)}
                    </Tag>
                  </Flex>
                  <Typography.Text>{spanLabel(b.startsAt, b.endsAt, i18n.lang)}</Typography.Text>
                  <Typography.Text type="secondary">{b.purpose}</Typography.Text>
                  {b.decisionNote !== null && <Typography.Text type="secondary">{b.decisionNote}</Typography.Text>}
                  {b.canCancel && (
                    <Flex gap={8}>
                      <Popconfirm
                        title={t('venues.cancel.confirm')}
                        onConfirm={() =>
                          cancel.mutate(
                            { id: b.id, wholeSeries: false },
                            { onSuccess: () => void message.success(t('venues.status.cancelled')) },
                          )
                        }
                      >
                        <Button size="small">{t('venues.cancel')}</Button>
                      </Popconfirm>
                      {b.seriesId !== null && (
                        <Popconfirm
                          title={t('venues.cancel.confirm')}
                          onConfirm={() => cancel.mutate({ id: b.id, wholeSeries: true })}
                        >
                          <Button size="small">{t('venues.cancel.series')}</Button>
                        </Popconfirm>
                      )}
                    </Flex>
                  )}
                </Flex>
              </List.Item>
            );
          }}
        />
      )}
    </>
  );
}

function ActivityCard({ activity }: { activity: Activity }) {
  const i18n = useI18n();
  const { t } = i18n;
  const signUp = useSignUp();
  const mine = activity.mySignup;
  const isFull = activity.confirmed >= activity.capacity;
  return (
    <Card size="small" style={{ marginBottom: 8 }} data-testid="activity" data-title={activity.title}>
      <Flex justify="space-between" align="start" gap={8}>
        <Typography.Text strong>{activity.title}</Typography.Text>
        <Tag>{t(`venues.audience.${activity.audience}` as MessageKey)}</Tag>
      </Flex>
      <Typography.Paragraph type="secondary" style={{ margin: '4px 0' }}>
        {spanLabel(activity.startsAt, activity.endsAt, i18n.lang)} · {activity.place} · {activity.host}
      </Typography.Paragraph>
      {activity.description !== null && (
        <Typography.Paragraph style={{ margin: '4px 0' }}>{activity.description}</Typography.Paragraph>
      )}
      <Flex justify="space-between" align="center">
        <Typography.Text type="secondary">
          {t('venues.activity.places', {
            confirmed: activity.confirmed,
            capacity: activity.capacity,
            waiting: activity.waiting,
          })}
        </Typography.Text>
        {activity.status === 'cancelled' ? (
          <Tag color="red" data-testid="activity-called-off">
            {t('venues.activity.calledOff')}
          </Tag>
        ) : mine === null ? (
          <Button
            type="primary"
            size="small"
            loading={signUp.isPending}
            onClick={() => signUp.mutate({ id: activity.id, isCancel: false })}
            data-testid="activity-signup"
          >
            {t(isFull ? 'venues.activity.wait' : 'venues.activity.signup')}
          </Button>
        ) : (
          <Flex gap={6} align="center">
            <Tag color={mine.status === 'confirmed' ? 'green' : 'gold'} data-testid="activity-my-status">
              {mine.status === 'confirmed'
                ? t('venues.activity.confirmed')
                : t('venues.activity.waiting', { n: mine.position ?? 0 })}
            </Tag>
            <Button size="small" onClick={() => signUp.mutate({ id: activity.id, isCancel: true })}>
              {t('venues.activity.withdraw')}
            </Button>
          </Flex>
        )}
      </Flex>
      {signUp.error !== null && (
        <Alert type="error" showIcon title={errorText(signUp.error, i18n)} style={{ marginTop: 6 }} />
      )}
    </Card>
  );
}

function Activities() {
  const { t } = useI18n();
  const { data, isLoading } = useMyActivities();
  if (isLoading || data === undefined) return <Skeleton active />;
  if (data.items.length === 0) return <Empty description={t('venues.activities.none')} />;
  return (
    <>
      {data.items.map((a) => (
        <ActivityCard key={a.id} activity={a} />
      ))}
    </>
  );
}

type Tab = 'rooms' | 'mine' | 'activities';

/** 阵地: the rooms of her community's centre to book, her bookings, and the centre's activities. */
export function VenuesPage({ initial = 'rooms' }: { initial?: Tab }) {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>(initial);
  return (
    <PhoneLayout title={t('venues.title')} back="/m/me">
      <Segmented<Tab>
        block
        value={tab}
        onChange={setTab}
        style={{ marginBottom: 12 }}
        options={[
          { value: 'rooms', label: <span data-testid="venues-tab-rooms">{t('venues.tab.rooms')}</span> },
          { value: 'mine', label: <span data-testid="venues-tab-mine">{t('venues.tab.mine')}</span> },
          { value: 'activities', label: <span data-testid="venues-tab-activities">{t('venues.tab.activities')}</span> },
        ]}
      />
      {tab === 'rooms' && <Rooms />}
      {tab === 'mine' && <MyBookingsList />}
      {tab === 'activities' && <Activities />}
    </PhoneLayout>
  );
}
