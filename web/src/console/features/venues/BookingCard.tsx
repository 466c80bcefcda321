import { App, Button, Card, Checkbox, Input, Modal, Popconfirm, Space as Row, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorText } from '../../../shared/errors';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { useI18n } from '../../app/i18n';
import type { MessageKey } from '../../app/messages';
import { type Booking, cancelBooking, checkInBooking, decideBooking, useVenueMutation } from './queries';
import { hoursOf, spanOf, useNow } from './time';

/** One label and colour per booking state, as the phone shows them (shared/venue-vocabulary.ts). */
export function bookingState(b: Booking): { label: MessageKey; color: string } {
  if (b.checkedInAt !== null) return { label: 'venues.status.checkedIn', color: 'green' };
  if (b.isNoShow) return { label: 'venues.status.noShow', color: 'red' };
  return {
    pending: { label: 'venues.status.pending' as const, color: 'gold' },
    approved: { label: 'venues.status.approved' as const, color: 'blue' },
    rejected: { label: 'venues.status.rejected' as const, color: 'default' },
    cancelled: { label: 'venues.status.cancelled' as const, color: 'default' },
  }[b.status];
}

/** Check-in is open from 30 minutes before the start until the end (the server decides; this only hides the button). */
export const isCheckInTime = (b: { startsAt: string; endsAt: string }, now: number) =>
  now >= Date.parse(b.startsAt) - 30 * 60_000 && now < Date.parse(b.endsAt);

/**
 * A booking with what staff may do to it: approve or refuse a pending one (a weekly one as a whole),
 * check in an approved one at its time, call off one not yet over (the booker is told).
 */
export function BookingCard({ booking: b, showDay, large }: { booking: Booking; showDay?: boolean; large?: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const now = useNow();
  const [refusing, setRefusing] = useState(false);
  const [note, setNote] = useState('');
  const [wholeSeries, setWholeSeries] = useState(false);
  const decide = useVenueMutation(decideBooking);
  const cancel = useVenueMutation(cancelBooking);
  const checkIn = useVenueMutation(checkInBooking);
  const run = (p: Promise<unknown>) => p.catch((e: unknown) => message.error(errorText(e, i18n)));
  const state = bookingState(b);
  const isOpen = b.status === 'pending' || b.status === 'approved';
  const size = large === true ? 'large' : 'small';
  return (
    <Card
      size="small"
      style={{
        marginBottom: 8,
        borderLeft: `4px solid ${b.activityId !== null ? '#722ed1' : b.status === 'pending' ? '#faad14' : '#1677ff'}`,
      }}
      data-testid="booking-card"
      data-status={b.status}
      data-space={b.spaceName}
    >
      <Typography.Text strong>
        {showDay === true ? spanOf(b.startsAt, b.endsAt) : hoursOf(b.startsAt, b.endsAt)}
      </Typography.Text>{' '}
      <Tag color={state.color} data-testid="booking-status">
        {t(state.label)}
      </Tag>
      <div>
        {b.spaceName} · {b.purpose}
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('vc.booking.by', { name: b.bookerName ?? '', kind: t(`venues.bookerKind.${b.bookerKind}`) })} · {b.attendees}
        {b.seriesId !== null && ' · ↻'}
      </Typography.Text>
      {b.decisionNote !== null && <div style={{ fontSize: 12 }}>{b.decisionNote}</div>}
      {b.checkedInAt !== null && (
        <div style={{ fontSize: 12 }}>
          {t('vc.checkedIn', { time: dayjs.utc(b.checkedInAt).tz(DISPLAY_ZONE).format('HH:mm') })}
        </div>
      )}
      <Row wrap size={4} style={{ marginTop: 6 }}>
        {b.status === 'pending' && (
          <>
            <Button
              size={size}
              type="primary"
              loading={decide.isPending}
              onClick={() => void run(decide.mutateAsync({ id: b.id, decision: 'approve' }))}
              data-testid="booking-approve"
            >
              {t('vc.approve')}
            </Button>
            <Button size={size} danger onClick={() => setRefusing(true)} data-testid="booking-reject">
              {t('vc.reject')}
            </Button>
          </>
        )}
        {b.status === 'approved' && b.checkedInAt === null && isCheckInTime(b, now) && (
          <Button
            size={size}
            type="primary"
            loading={checkIn.isPending}
            onClick={() => void run(checkIn.mutateAsync(b.id))}
            data-testid="booking-check-in"
          >
            {t('vc.checkIn')}
          </Button>
        )}
        {isOpen && b.activityId === null && Date.parse(b.endsAt) > now && (
          <Popconfirm
            title={
              <div>
                {t('vc.cancel.confirm')}
                {b.seriesId !== null && (
                  <div>
                    <Checkbox checked={wholeSeries} onChange={(e) => setWholeSeries(e.target.checked)}>
                      {t('vc.cancel.series')}
                    </Checkbox>
                  </div>
                )}
              </div>
            }
            onConfirm={() => void run(cancel.mutateAsync({ id: b.id, wholeSeries }))}
          >
            <Button size={size} data-testid="booking-cancel">
              {t('vc.cancel')}
            </Button>
          </Popconfirm>
        )}
      </Row>
      <Modal
        open={refusing}
        title={`${t('vc.reject')} · ${b.spaceName} ${spanOf(b.startsAt, b.endsAt)}`}
        onCancel={() => setRefusing(false)}
        onOk={() => void run(decide.mutateAsync({ id: b.id, decision: 'reject', note }).then(() => setRefusing(false)))}
        okButtonProps={{ danger: true, ...({ 'data-testid': 'booking-reject-confirm' } as Record<string, string>) }}
      >
        <Input.TextArea
          value={note}
          maxLength={200}
          onChange={(e) => setNote(e.target.value)}
          placeholder={t('vc.reject.note')}
          data-testid="booking-reject-note"
        />
      </Modal>
    </Card>
  );
}
