import { Table, Tag, Typography, type TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../../app/i18n';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { ruleOf, type Outcome } from './api';

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
        ) : row.answeredAt ? (
          <Typography.Text type="success">
            {t('tasks.answeredAt', { time: dayjs(row.answeredAt).tz(DISPLAY_ZONE).format('MM-DD HH:mm') })}
          </Typography.Text>
        ) : (
          <Typography.Text type="secondary">{t('tasks.waiting')}</Typography.Text>
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
      onRow={(row) => ({ 'data-org': row.orgName, 'data-status': row.status }) as object}
      data-testid="task-outcomes"
    />
  );
}
