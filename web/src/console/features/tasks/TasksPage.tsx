import { SendOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Navigate, useSearchParams } from 'react-router-dom';
import { useAuth } from '../../../shared/auth';
import { useI18n } from '../../app/i18n';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { kindOf, type TaskBox, type TaskKind, type TaskSummary } from './api';
import { useTaskBox } from './queries';
import { SendTaskDrawer } from './SendTaskDrawer';
import { TaskDrawer } from './TaskDrawer';

export const KIND_COLOR: Record<TaskKind, string> = {
  report: 'blue',
  meeting: 'purple',
  inspection: 'cyan',
  signboard: 'volcano',
  document: 'geekblue',
  other: 'default',
};

type Tab = 'sent' | 'received' | 'review';

function TaskTable({ box, tab, onOpen }: { box: TaskBox; tab: Tab; onOpen: (id: string) => void }) {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const list = useTaskBox(box, page);
  const items = (list.data?.items ?? []).filter((task) => tab !== 'review' || task.refused > 0);
  const columns: TableColumnsType<TaskSummary> = [
    {
      title: t('tasks.title'),
      dataIndex: 'title',
      ellipsis: true,
      render: (title: string, row) => (
        <span>
          <Tag color={KIND_COLOR[kindOf(row.kind)]} style={{ fontSize: 11 }}>
            {t(`tasks.kind.${kindOf(row.kind)}`)}
          </Tag>
          <Typography.Link>{title}</Typography.Link>
        </span>
      ),
    },
    ...(box === 'received'
      ? [
          {
            title: t('tasks.from'),
            key: 'from',
            width: 160,
            ellipsis: true,
            render: (_v: unknown, row: TaskSummary) => row.fromOrg.name,
          },
        ]
      : []),
    {
      title: t('tasks.dutyItem'),
      key: 'duty',
      width: 200,
      ellipsis: true,
      render: (_v, row) =>
        row.dutyItemCode ? (
          `${row.dutyItemCode} ${row.dutyItemName ?? ''}`
        ) : (
          <Typography.Text type="danger">{t('tasks.noDutyItem')}</Typography.Text>
        ),
    },
    {
      title: t('tasks.outcome'),
      key: 'outcome',
      width: 220,
      render: (_v, row) => (
        <Flex gap={4} wrap>
          {row.admitted > 0 && <Tag color="success">{t('tasks.admittedN', { n: row.admitted })}</Tag>}
          {row.refused > 0 && <Tag color="error">{t('tasks.refusedN', { n: row.refused })}</Tag>}
          {row.overdue > 0 && (
            <Tag color="red" data-testid="task-overdue">
              {t('tasks.overdueN', { n: row.overdue })}
            </Tag>
          )}
          {row.kind === 'report' && row.admitted > 0 && (
            <Tag color={row.answered === row.admitted ? 'blue' : 'default'}>
              {t('tasks.answeredN', { n: row.answered, d: row.admitted })}
            </Tag>
          )}
        </Flex>
      ),
    },
    {
      title: t('tasks.sentAt'),
      dataIndex: 'createdAt',
      width: 140,
      render: (iso: string) => dayjs(iso).tz(DISPLAY_ZONE).format('YYYY-MM-DD HH:mm'),
    },
  ];
  return (
    <Table<TaskSummary>
      rowKey="id"
      size="small"
      tableLayout="fixed"
      loading={list.isPending}
      columns={columns}
      dataSource={items}
      pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, size: 'small' }}
      onRow={(row) =>
        ({ onClick: () => onOpen(row.id), style: { cursor: 'pointer' }, 'data-title': row.title }) as object
      }
      data-testid={`tasks-${tab}`}
    />
  );
}

/** 任务准入: tasks sent down by departments, each admitted or refused by the duty list, and answered by generated reports. */
export function TasksPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const [isSending, setSending] = useState(false);
  const tabs: { key: Tab; box: TaskBox; label: string }[] = [
    ...(can('task.send') ? [{ key: 'sent' as const, box: 'sent' as const, label: t('tasks.tab.sent') }] : []),
    ...(can('task.read')
      ? [{ key: 'received' as const, box: 'received' as const, label: t('tasks.tab.received') }]
      : []),
    ...(can('task.review') ? [{ key: 'review' as const, box: 'received' as const, label: t('tasks.tab.review') }] : []),
  ];
  const active = tabs.find((tab) => tab.key === params.get('tab')) ?? tabs[0];
  if (active === undefined) return <Navigate to="/" replace />;
  const openTask = params.get('task') ?? undefined;
  const setOpenTask = (id: string | undefined) => {
    const next = new URLSearchParams(params);
    if (id === undefined) next.delete('task');
    else next.set('task', id);
    setParams(next, { replace: true });
  };

  return (
    <Card
      title={t('nav.tasks')}
      extra={
        can('task.send') && (
          <Button type="primary" icon={<SendOutlined />} onClick={() => setSending(true)} data-testid="task-send">
            {t('tasks.send')}
          </Button>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('tasks.intro')}</Typography.Paragraph>
      <Tabs
        activeKey={active.key}
        onChange={(key) => setParams({ tab: key }, { replace: true })}
        items={tabs.map((tab) => ({
          key: tab.key,
          label: tab.label,
          children: <TaskTable box={tab.box} tab={tab.key} onOpen={setOpenTask} />,
        }))}
      />
      <SendTaskDrawer isOpen={isSending} onClose={() => setSending(false)} />
      <TaskDrawer taskId={openTask} onClose={() => setOpenTask(undefined)} />
    </Card>
  );
}
