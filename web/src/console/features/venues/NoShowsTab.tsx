import { Card, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { useI18n } from '../../app/i18n';
import { type Centre, type NoShowList, useNoShows } from './queries';
import { spanOf } from './time';

type Row = NoShowList['items'][number];

/** 未到场与暂停: residents who booked and did not come, and whose booking right is paused until when. */
export function NoShowsTab({ centre }: { centre: Centre }) {
  const { t } = useI18n();
  const list = useNoShows(centre.id);
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
        ) : (
          <Tag>{t('vc.noShows.ok')}</Tag>
        ),
    },
    {
      title: t('vc.noShows.bookings'),
      key: 'bookings',
      render: (_v, r) => r.bookings.map((b) => `${b.spaceName} ${spanOf(b.startsAt, b.endsAt)}`).join('；'),
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
    </Card>
  );
}
