import { Table, Tag, Typography, type TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../../app/i18n';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { ruleOf, type Outcome } from './api';

/** Where an admitted target stands: its report's approval, its record, or waiting (overdue said so). */
function Progress({ row }: { row: Outcome }) {
  const { t } = useI18n();
  const at = (iso: string) => dayjs(iso).tz(DISPLAY_ZONE).format('MM-DD HH:mm');
  const record = row.record as {
    attendance?: 'in_person' | 'video' | 'written';
    attendees?: string[];
    reply?: string | null;
    findings?: string;
    cases?: { number: string }[];
    note?: string;
  } | null;
  return (
    <span data-testid="outcome-progress">
      {row.isOverdue && (
        <Tag color="red" data-testid="outcome-overdue">
          {t('tasks.overdue')}
        </Tag>
      )}
      {row.approval ? (
        <>
          <Tag
            color={
              row.approval.state === 'approved'
                ? 'success'
                : row.approval.state === 'returned'
                  ? 'warning'
                  : 'processing'
            }
            data-testid="outcome-approval"
            data-state={row.approval.state}
          >
            {t(`tasks.approval.${row.approval.state}`)}
          </Tag>
          {row.answeredAt && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('tasks.answeredAt', { time: at(row.answeredAt) })}
            </Typography.Text>
          )}
          {row.approval.comment && (
            <Typography.Text style={{ display: 'block', fontSize: 12 }} data-testid="outcome-comment">
              {row.approval.byName}：{row.approval.comment}
            </Typography.Text>
          )}
          {row.approval.difference.length > 0 && (
            <Typography.Text type="warning" style={{ display: 'block', fontSize: 12 }}>
              {t('tasks.difference', { n: row.approval.difference.length })}
            </Typography.Text>
          )}
        </>
      ) : row.doneAt ? (
        <>
          <Typography.Text type="success">{t('tasks.done', { time: at(row.doneAt) })}</Typography.Text>
          {record?.attendance && (
            <Typography.Text style={{ display: 'block', fontSize: 12 }} data-testid="outcome-attendance">
              {t(`tasks.attendance.${record.attendance}`)}
              {record.attendees && record.attendees.length > 0 ? `：${record.attendees.join('、')}` : ''}
            </Typography.Text>
          )}
          {record?.reply && (
            <Typography.Text style={{ display: 'block', fontSize: 12 }}>{record.reply}</Typography.Text>
          )}
          {record?.findings && (
            <Typography.Text style={{ display: 'block', fontSize: 12 }}>
              {record.findings}
              {record.cases && record.cases.length > 0 ? `（${record.cases.map((c) => c.number).join('、')}）` : ''}
            </Typography.Text>
          )}
          {record?.note && <Typography.Text style={{ display: 'block', fontSize: 12 }}>{record.note}</Typography.Text>}
        </>
      ) : (
        <Typography.Text type="secondary">{t('tasks.waiting')}</Typography.Text>
      )}
    </span>
  );
}

/** The admission outcome of each community: admitted or refused with the reason and the rule applied. */
export function OutcomeTable({
  outcomes,
  actions,
}: {
  outcomes: Outcome[];
  /** buttons for one outcome (answer, review), when the viewer may act on it */
  actions?: (outcome: Outcome) => ReactNode;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const ruleName = (code: string) => {
    const rule = ruleOf(code);
    return rule === undefined ? code : t(`tasks.rule.${rule}`);
  };
  const columns: TableColumnsType<Outcome> = [
    { title: t('tasks.community'), dataIndex: 'orgName', width: 160, ellipsis: true },
    {
      title: t('tasks.admission'),
      dataIndex: 'status',
      width: 96,
      render: (status: Outcome['status']) =>
        status === 'admitted' ? (
          <Tag color="success">{t('tasks.status.admitted')}</Tag>
        ) : (
          <Tag color="error">{t('tasks.status.refused')}</Tag>
        ),
    },
    {
      title: t('tasks.reason'),
      key: 'reason',
      render: (_v, row) =>
        row.status === 'refused' ? (
          <span data-testid="outcome-reason">
            {i18n.pick({ zh: row.reason_zh ?? '', en: row.reason_en ?? '' })}
            {row.rule !== null && (
              <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }} data-testid="outcome-rule">
                {t('tasks.rule')}：{ruleName(row.rule)}
              </Typography.Text>
            )}
            {row.review && (
              <Typography.Text style={{ display: 'block', fontSize: 12 }}>
                <Tag color={row.review.decision === 'admit' ? 'blue' : 'default'} style={{ fontSize: 11 }}>
                  {t(row.review.decision === 'admit' ? 'tasks.review.admit' : 'tasks.review.uphold')}
                </Tag>
                {row.review.reviewerName}：{row.review.reason}
              </Typography.Text>
            )}
          </span>
        ) : (
          <Progress row={row} />
        ),
    },
    ...(actions === undefined
      ? []
      : [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 200,
            render: (_v: unknown, row: Outcome) => actions(row),
          },
        ]),
  ];
  return (
    <Table<Outcome>
      rowKey="orgId"
      size="small"
      columns={columns}
      dataSource={outcomes}
      pagination={outcomes.length > 20 ? { pageSize: 20, size: 'small' } : false}
      onRow={(row) =>
        ({ 'data-org': row.orgName, 'data-status': row.status, 'data-approval': row.approval?.state ?? '' }) as object
      }
      data-testid="task-outcomes"
    />
  );
}
