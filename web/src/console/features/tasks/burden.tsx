import { Card, Table, Typography } from 'antd';
import { useI18n } from '../../app/i18n';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { useBurden } from '../insights/queries';
import { type BurdenColumn, type BurdenRow, burdenColumns, hoursOf } from '../insights/burden-columns';

/** The sending side leaves out what only the receiving unit knows: admissions, its own council meetings, the share. */
const SENT_COLUMNS: readonly BurdenColumn[] = [
  'tasksReceived',
  'tasksRefused',
  'meetings',
  'meetingsAttended',
  'meetingHours',
  'documents',
  'reportsAnswered',
  'cellsGenerated',
  'cellsTyped',
  'tasksOverdue',
];

/**
 * The sending side of the 减负台账: what the tasks this unit (and the units under it) sent cost each unit
 * they reached — the same figures, by the same definition, as the receiving side above it.
 */
export function SentBurdenCard({ rows }: { rows: BurdenRow[] }) {
  const { t } = useI18n();
  if (rows.length === 0) return null;
  return (
    <Card size="small" title={t('tasks.burden.sent')}>
      <Table<BurdenRow>
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
        columns={burdenColumns(t, { unitTitle: t('tasks.burden.receiver'), columns: SENT_COLUMNS })}
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
