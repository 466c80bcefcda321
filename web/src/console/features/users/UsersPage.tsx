import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Input, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import type { User } from '../../../api/types';
import { useAuth } from '../../../shared/auth';
import { useI18n } from '../../app/i18n';
import { formatTime } from '../../../shared/time';
import { OrgUnitSelect } from '../orgs/OrgUnitSelect';
import { AssignmentTag } from './AssignmentTag';
import { CreateUserModal } from './CreateUserModal';
import { useUserList, type UserListParams } from './queries';
import { UserDrawer } from './UserDrawer';
import { UserStatusTag } from './UserStatusTag';

/** 用户与角色: users in scope, created and managed here. */
export function UsersPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const [params, setParams] = useState<UserListParams>({ q: '', orgId: undefined, page: 1, pageSize: 20 });
  const list = useUserList(params);
  const [isCreateOpen, setCreateOpen] = useState(false);
  const [openUserId, setOpenUserId] = useState<string | undefined>();

  const columns: TableColumnsType<User> = [
    {
      title: t('user.username'),
      dataIndex: 'username',
      width: 130,
      ellipsis: true,
      render: (username: string, user) => (
        <Typography.Link onClick={() => setOpenUserId(user.id)}>{username}</Typography.Link>
      ),
    },
    { title: t('user.displayName'), dataIndex: 'displayName', width: 120, ellipsis: { showTitle: true } },
    {
      title: t('user.phone'),
      dataIndex: 'phone',
      width: 120,
      render: (phone: string | null) => phone ?? '—',
    },
    { title: t('user.homeOrg'), dataIndex: 'homeOrgName', ellipsis: { showTitle: true } },
    {
      title: t('user.roles'),
      width: '25%',
      key: 'roles',
      render: (_v, user) => (
        <Flex gap={4} wrap>
          {user.assignments.map((a) => (
            <AssignmentTag key={a.id} assignment={a} />
          ))}
        </Flex>
      ),
    },
    {
      title: t('user.status'),
      key: 'status',
      width: 96,
      render: (_v, user) => <UserStatusTag user={user} />,
    },
    { title: t('user.createdAt'), dataIndex: 'createdAt', render: (at: string) => formatTime(at), width: 160 },
  ];

  return (
    <Card
      title={t('nav.users')}
      extra={
        can('user.manage') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreateOpen(true)}>
            {t('user.create')}
          </Button>
        )
      }
    >
      <Flex gap={12} style={{ marginBottom: 16 }} wrap>
        <Input.Search
          allowClear
          placeholder={t('user.searchPlaceholder')}
          style={{ width: 260 }}
          onSearch={(q) => setParams((p) => ({ ...p, q: q.trim(), page: 1 }))}
        />
        <OrgUnitSelect
          allowClear
          placeholder={t('user.orgFilter')}
          style={{ width: 280 }}
          value={params.orgId}
          onChange={(orgId) => setParams((p) => ({ ...p, orgId, page: 1 }))}
        />
      </Flex>
      <Table<User>
        rowKey="id"
        size="middle"
        tableLayout="fixed"
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.isFetching}
        onRow={(user) => ({ onDoubleClick: () => setOpenUserId(user.id) })}
        pagination={{
          current: params.page,
          pageSize: params.pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (n) => t('common.total', { n }),
          onChange: (page, pageSize) => setParams((p) => ({ ...p, page, pageSize })),
        }}
      />
      <CreateUserModal open={isCreateOpen} onClose={() => setCreateOpen(false)} />
      <UserDrawer userId={openUserId} onClose={() => setOpenUserId(undefined)} />
    </Card>
  );
}
