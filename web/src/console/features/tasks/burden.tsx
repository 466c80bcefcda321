import { Card, Table, Typography } from 'antd';
import { useI18n } from '../../app/i18n';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { useBurden } from '../insights/queries';
import type { BurdenLedger } from '../insights/api';

type Row = BurdenLedger['sent'][number];

/** Meeting minutes as hours, one decimal (the figure is the minutes: tasks/burden.ts). */
export const hoursOf = (minutes: number) => (Math.round(minutes / 6) / 10).toFixed(1);

/**
 * The sending side of the 减负台账: what the tasks this unit (and the units under it) sent cost each unit
 * they reached — the same figures, by the same definition, as the receiving side above it.
 */
export function SentBurdenCard({ rows }: { rows: Row[] }) {
  const { t } = useI18n();
  if (rows.length === 0) return null;
  const num = (title: string, key: keyof Row) => ({
    title,
    key,
    width: 92,
    align: 'right' as const,
    render: (_v: unknown, row: Row) => row[key] as number,
  });
  return (
    <Card size="small" title={t('tasks.burden.sent')}>
      <Table<Row>
        rowKey={(row) => row.unit.id}
        size="small"
        tableLayout="fixed"
        pagination={false}
        dataSource={rows}
        data-testid="burden-sent"
        onRow={(row) =>
          ({
            'data-unit': row.unit.name,
            'data-meetings': row.meetings,
            'data-meetings-attended': row.meetingsAttended,
            'data-documents': row.documents,
            'data-forms': row.reportsAnswered,
          }) as object
        }
        columns={[
          { title: t('tasks.burden.receiver'), key: 'unit', ellipsis: true, render: (_v, row) => row.unit.name },
          num(t('burden.tasksReceived'), 'tasksReceived'),
          num(t('burden.tasksRefused'), 'tasksRefused'),
          num(t('burden.meetings'), 'meetings'),
          num(t('burden.meetingsAttended'), 'meetingsAttended'),
          {
            title: t('burden.meetingHours'),
            key: 'hours',
            width: 92,
            align: 'right',
            render: (_v, row) => hoursOf(row.meetingMinutes),
          },
          num(t('burden.documents'), 'documents'),
          num(t('burden.reportsAnswered'), 'reportsAnswered'),
          num(t('burden.cellsGenerated'), 'cellsGenerated'),
          num(t('burden.cellsTyped'), 'cellsTyped'),
          num(t('burden.tasksOverdue'), 'tasksOverdue'),
        ]}
      />
    </Card>
  );
}

/** The big screen's strip of this month's burden: meetings and hours, documents, forms generated vs typed, refusals, who asks the most. */
export function BurdenScreenStrip({ orgId }: { orgId: string }) {
  const { t } = useI18n();
  const month = dayjs().tz(DISPLAY_ZONE).format('YYYY-MM');
  const burden = useBurden(orgId, { from: month, to: month });
  const total = burden.data?.totals;
  if (total === undefined) return null;
  const top = burden.data?.senders[0];
  const items: [string, string, string][] = [
    ['meetings', t('tasks.burden.meetings'), String(total.meetingsAttended)],
    ['hours', t('tasks.burden.hours'), hoursOf(total.meetingMinutes)],
    ['documents', t('tasks.burden.documents'), String(total.documents)],
    ['forms', t('tasks.burden.forms'), `${total.cellsGenerated} / ${total.cellsTyped}`],
    ['refused', t('tasks.burden.refused'), String(total.tasksRefused)],
  ];
  return (
    <section className="tz-screen-panel" data-testid="screen-burden" style={{ flex: 'none' }}>
      <h2>{t('tasks.burden.screen')}</h2>
      <div className="tz-screen-numbers" style={{ margin: 0 }}>
        {items.map(([key, label, value]) => (
          <div key={key} className="tz-screen-number" data-testid={`screen-burden-${key}`}>
            <div className="tz-screen-number-value">{value}</div>
            <div className="tz-screen-number-label">{label}</div>
          </div>
        ))}
        {top !== undefined && (
          <div className="tz-screen-number" data-testid="screen-burden-top">
            <div className="tz-screen-number-value" style={{ fontSize: 20 }}>
              <Typography.Text style={{ color: 'inherit' }}>
                {top.unit.name} · {top.tasksReceived}
              </Typography.Text>
            </div>
            <div className="tz-screen-number-label">{t('tasks.burden.topSender')}</div>
          </div>
        )}
      </div>
    </section>
  );
}
