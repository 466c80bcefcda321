import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Space, Table, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { errorText } from '../../../shared/errors';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { useI18n } from '../../app/i18n';
import { tasksApi, type Rollup, type TaskDetail } from './api';
import { taskKeys } from './queries';
import { CommentModal } from './RecordModal';

const COLORS: Record<Rollup['state'], string> = {
  pending: 'default',
  ready: 'processing',
  approved: 'success',
  returned: 'warning',
  changed: 'orange',
};

/** Each street's roll-up of a report task: where it stands and, for the district, approve or return. */
export function RollupTable({ taskId, rollups }: { taskId: string; rollups: Rollup[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [returning, setReturning] = useState<Rollup | null>(null);
  const approve = useMutation({
    mutationFn: (orgId: string) => tasksApi.approveRollup(taskId, orgId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: taskKeys.all }),
    onError: (error) => void message.error(errorText(error, i18n)),
  });
  return (
    <Flex vertical gap={8}>
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('tasks.rollups')}
      </Typography.Title>
      <Table<Rollup>
        rowKey="orgId"
        size="small"
        pagination={false}
        dataSource={rollups}
        data-testid="task-rollups"
        onRow={(row) => ({ 'data-org': row.orgName, 'data-state': row.state }) as object}
        columns={[
          { title: t('tasks.street'), dataIndex: 'orgName', width: 160 },
          {
            title: t('tasks.outcome'),
            key: 'state',
            render: (_v, row) => (
              <span>
                <Tag color={COLORS[row.state]} data-testid="rollup-state">
                  {t(`tasks.rollup.${row.state}`)}
                </Tag>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('tasks.rollupProgress', { n: row.approvedCommunities, d: row.communities })}
                </Typography.Text>
                {row.comment && (
                  <Typography.Text style={{ display: 'block', fontSize: 12 }}>
                    {row.byName}：{row.comment}
                  </Typography.Text>
                )}
                {row.difference.length > 0 && (
                  <Typography.Text type="warning" style={{ display: 'block', fontSize: 12 }}>
                    {t('tasks.difference', { n: row.difference.length })}
                  </Typography.Text>
                )}
              </span>
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 200,
            render: (_v, row) =>
              row.canJudge && row.state !== 'pending' && row.state !== 'approved' ? (
                <Space size={4}>
                  <Button
                    size="small"
                    type="primary"
                    loading={approve.isPending && approve.variables === row.orgId}
                    onClick={() => approve.mutate(row.orgId)}
                    data-testid="rollup-approve"
                  >
                    {t('tasks.approve')}
                  </Button>
                  {row.state !== 'returned' && (
                    <Button size="small" danger onClick={() => setReturning(row)}>
                      {t('tasks.return')}
                    </Button>
                  )}
                </Space>
              ) : null,
          },
        ]}
      />
      <CommentModal
        title={t('tasks.returnTitle', { name: returning?.orgName ?? '' })}
        isOpen={returning !== null}
        onClose={() => setReturning(null)}
        submit={async (comment) => {
          await tasksApi.returnRollup(taskId, returning!.orgId, comment);
          await queryClient.invalidateQueries({ queryKey: taskKeys.all });
        }}
      />
    </Flex>
  );
}

/** Every submit, approval and return, oldest first: who, when, with what comment. */
export function StepList({ steps }: { steps: TaskDetail['steps'] }) {
  const { t } = useI18n();
  const stepName = (action: string) =>
    action === 'submit' || action === 'approve' || action === 'return' ? t(`tasks.step.${action}`) : action;
  return (
    <Flex vertical gap={8} data-testid="task-steps">
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('tasks.steps')}
      </Typography.Title>
      <Timeline
        items={steps.map((s) => ({
          color: s.action === 'return' ? 'orange' : s.action === 'approve' ? 'green' : 'blue',
          content: (
            <span>
              {dayjs(s.at).tz(DISPLAY_ZONE).format('MM-DD HH:mm')} {s.orgName} · {s.actorName} {stepName(s.action)}
              {s.comment ? `：${s.comment}` : ''}
            </span>
          ),
        }))}
      />
    </Flex>
  );
}
