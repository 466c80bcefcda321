import { App, Button, Card, Form, Input, Modal, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { useI18n } from '../../app/i18n';
import { type Centre, type NoShowList, liftBookingPause, useNoShows, useVenueMutation } from './queries';
import { spanOf } from './time';

type Row = NoShowList['items'][number];

/** Lifts a resident's pause early, saying why (kept in the audit; she is told). */
function LiftModal({ row, onClose }: { row: Row | null; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<{ note: string }>();
  const lift = useVenueMutation(liftBookingPause);
  const submit = (v: { note: string }) =>
    lift
      .mutateAsync({ bookingId: row!.bookings[0]!.id, note: v.note })
      .then(() => {
        message.success(t('vc.noShows.liftDone'));
        onClose();
      })
      .catch((e: unknown) => {
        if (!showFieldErrors(form, e, i18n, ['note'])) message.error(errorText(e, i18n));
      });
  return (
    <Modal
      open={row !== null}
      destroyOnHidden
      title={t('vc.noShows.lift.title', { name: row?.name ?? '' })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ ...({ 'data-testid': 'no-show-lift-confirm' } as Record<string, string>) }}
      confirmLoading={lift.isPending}
    >
      <Typography.Paragraph type="secondary">{t('vc.noShows.lift.hint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" preserve={false} onFinish={(v) => void submit(v)}>
        <Form.Item
          name="note"
          label={t('vc.noShows.lift.note')}
          rules={[{ required: true, whitespace: true, message: t('vc.required', { what: t('vc.noShows.lift.note') }) }]}
        >
          <Input maxLength={500} data-testid="no-show-lift-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 未到场与暂停: residents who booked and did not come, and whose booking right is paused until when. */
export function NoShowsTab({ centre }: { centre: Centre }) {
  const { t } = useI18n();
  const list = useNoShows(centre.id);
  const [lifting, setLifting] = useState<Row | null>(null);
  const columns: TableColumnsType<Row> = [
    { title: t('vc.noShows.name'), dataIndex: 'name' },
    { title: t('vc.noShows.count'), dataIndex: 'noShows' },
    {
      title: t('vc.noShows.state'),
      key: 'state',
      render: (_v, r) =>
        r.isPaused ? (
          <Tag color="red" data-testid="no-show-paused">
            {t('vc.noShows.paused', { day: dayjs.utc(r.pausedUntil).tz(DISPLAY_ZONE).format('YYYY-MM-DD') })}
          </Tag>
        ) : r.liftedAt !== null ? (
          <Tag color="blue">
            {t('vc.noShows.lifted', { day: dayjs.utc(r.liftedAt).tz(DISPLAY_ZONE).format('YYYY-MM-DD') })}
          </Tag>
        ) : (
          <Tag>{t('vc.noShows.ok')}</Tag>
        ),
    },
    {
      title: t('vc.noShows.bookings'),
      key: 'bookings',
      render: (_v, r) => r.bookings.map((b) => `${b.spaceName} ${spanOf(b.startsAt, b.endsAt)}`).join('；'),
    },
    {
      key: 'act',
      render: (_v, r) =>
        r.isPaused && (
          <Button size="small" onClick={() => setLifting(r)} data-testid="no-show-lift">
            {t('vc.noShows.lift')}
          </Button>
        ),
    },
  ];
  return (
    <Card size="small">
      {list.data !== undefined && (
        <Typography.Paragraph type="secondary">
          {t('vc.noShows.rule', { days: list.data.windowDays, limit: list.data.limit })}
        </Typography.Paragraph>
      )}
      <Table
        rowKey={(r) => r.bookings[0]?.id ?? r.name}
        size="small"
        loading={list.isLoading}
        columns={columns}
        dataSource={list.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('vc.noShows.none') }}
        onRow={() => ({ 'data-testid': 'no-show-row' }) as object}
      />
      <LiftModal row={lifting} onClose={() => setLifting(null)} />
    </Card>
  );
}
