import { useQuery } from '@tanstack/react-query';
import { Button, Card, Flex, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../api/client';
import type { paths } from '../api/schema';
import { dayjs, DISPLAY_ZONE } from '../shared/time';
import { usePublicI18n } from './i18n';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Calendar = Json<paths['/api/v1/public/communities/{code}/venue-calendar']['get']['responses'][200]>;
type CalendarCentre = Calendar['centres'][number];

async function fetchCalendar(code: string, from: string | null): Promise<Calendar> {
  let response: Response;
  const query = from === null ? '' : `?from=${from}`;
  try {
    response = await fetch(`/api/v1/public/communities/${encodeURIComponent(code)}/venue-calendar${query}`, {
      credentials: 'omit',
      headers: { accept: 'application/json' },
    });
  } catch {
    throw new ApiError(0, undefined);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok) return body as Calendar;
  throw new ApiError(response.status, typeof body === 'object' && body !== null ? body : undefined);
}

const local = (iso: string) => dayjs.utc(iso).tz(DISPLAY_ZONE);

interface Entry {
  key: string;
  startsAt: string;
  endsAt: string;
  kind: 'activity' | 'booking';
  text: string;
  extra?: string;
}

function CentreWeek({ centre, from, days }: { centre: CalendarCentre; from: string; days: number }) {
  const { t } = usePublicI18n();
  const share = centre.residentShare === null ? 0 : Math.round(centre.residentShare * 100);
  const entries: Entry[] = [
    ...centre.activities.map((a) => ({
      key: a.id,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      kind: 'activity' as const,
      text: `${a.title} · ${a.place} · ${a.host}`,
      extra: `${t(`venues.audience.${a.audience}`)} · ${t('public.venues.activity.places', { taken: a.taken, capacity: a.capacity })}`,
    })),
    ...centre.bookings.map((b, i) => ({
      key: `b${i}`,
      startsAt: b.startsAt,
      endsAt: b.endsAt,
      kind: 'booking' as const,
      text: `${b.spaceName} · ${b.title ?? t('venues.booked')}`,
      ...(b.isPending ? { extra: t('public.venues.pending') } : {}),
    })),
  ].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  const residentRooms = centre.spaces.filter((s) => s.isForResidents);
  return (
    <Card size="small" title={`${centre.orgName} · ${centre.name}`} data-testid="public-venue-centre">
      <Typography.Paragraph type="secondary" data-testid="public-venue-area">
        {centre.address !== null && `${centre.address} · `}
        {t('public.venues.area', { total: centre.totalAreaM2, share })}
      </Typography.Paragraph>
      <Typography.Paragraph>
        {residentRooms.map((s) => (
          <Tag key={s.id} style={{ marginBottom: 4 }}>
            {t('public.venues.room', { name: s.name, capacity: s.capacity, opens: s.opens, closes: s.closes })}
            {s.closedWeekdays.length > 0 &&
              ` · ${t('public.venues.closed', { days: s.closedWeekdays.map((d) => t(`venues.weekday.${d as 1}`)).join('、') })}`}
          </Tag>
        ))}
      </Typography.Paragraph>
      <Flex vertical gap={8}>
        {Array.from({ length: days }, (_, i) => dayjs.utc(from).add(i, 'day')).map((day) => {
          const key = day.format('YYYY-MM-DD');
          const todays = entries.filter((e) => local(e.startsAt).format('YYYY-MM-DD') === key);
          const weekday = day.day() === 0 ? 7 : day.day();
          // a day every room is closed is 闭馆, not 空闲; a day some are closed names them
          const closedRooms = residentRooms.filter((s) => s.closedWeekdays.includes(weekday));
          const isAllClosed = residentRooms.length > 0 && closedRooms.length === residentRooms.length;
          return (
            <div key={key} data-testid="public-venue-day" data-day={key}>
              <Typography.Text strong>
                {t(`venues.weekday.${weekday as 1}`)} {day.format('MM-DD')}
              </Typography.Text>
              {isAllClosed ? (
                <Typography.Text type="secondary" data-testid="public-venue-day-closed">
                  {' '}
                  · {t('public.venues.dayClosed')}
                </Typography.Text>
              ) : closedRooms.length > 0 ? (
                <Typography.Text type="secondary">
                  {' '}
                  · {t('public.venues.roomsClosed', { rooms: closedRooms.map((s) => s.name).join('、') })}
                </Typography.Text>
              ) : null}
              {isAllClosed && todays.length === 0 ? null : todays.length === 0 ? (
                <Typography.Text type="secondary"> · {t('public.venues.free')}</Typography.Text>
              ) : (
                <ul className="tz-public-milestones">
                  {todays.map((e) => (
                    <li
                      key={e.key}
                      data-testid={e.kind === 'activity' ? 'public-venue-activity' : 'public-venue-booking'}
                    >
                      {local(e.startsAt).format('HH:mm')}–{local(e.endsAt).format('HH:mm')}{' '}
                      {e.kind === 'activity' ? <Tag color="purple">{e.text}</Tag> : e.text}
                      {e.extra !== undefined && <Typography.Text type="secondary"> · {e.extra}</Typography.Text>}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          );
        })}
      </Flex>
    </Card>
  );
}

/**
 * 阵地日历: the community's service centres, their rooms and a week of activities and bookings — a
 * booking names no one (a resident's reads 已预约; a team's shows the team). No sign-in.
 */
export function VenueCalendar({ code }: { code: string }) {
  const { t } = usePublicI18n();
  const [from, setFrom] = useState<string | null>(null);
  const calendar = useQuery({
    queryKey: ['public', 'venue-calendar', code, from],
    queryFn: () => fetchCalendar(code, from),
    staleTime: 60_000,
  });
  const data = calendar.data;
  if (data === undefined || data.centres.length === 0) return null;
  const move = (days: number) => setFrom(dayjs.utc(data.from).add(days, 'day').format('YYYY-MM-DD'));
  return (
    <section data-testid="public-venues">
      <Typography.Title level={4}>{t('public.venues')}</Typography.Title>
      <Space style={{ marginBottom: 8 }}>
        <Button size="small" onClick={() => move(-data.days)}>
          {t('public.venues.prev')}
        </Button>
        <Typography.Text>
          {data.from} –{' '}
          {dayjs
            .utc(data.from)
            .add(data.days - 1, 'day')
            .format('YYYY-MM-DD')}
        </Typography.Text>
        <Button size="small" onClick={() => move(data.days)} data-testid="public-venues-next">
          {t('public.venues.next')}
        </Button>
      </Space>
      <Flex vertical gap={12}>
        {data.centres.map((c) => (
          <CentreWeek key={c.id} centre={c} from={data.from} days={data.days} />
        ))}
      </Flex>
      <Typography.Paragraph type="secondary" className="tz-public-note">
        {t('public.venues.signUp')}
      </Typography.Paragraph>
    </section>
  );
}
