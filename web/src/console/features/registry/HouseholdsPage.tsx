import { HomeOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Input, Table, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { Household } from '../../../api/types';
import { useAuth } from '../../../shared/auth';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { formatTime } from '../../../shared/time';
import { OrgSearch } from '../orgs/OrgSearch';
import { OrgTree } from '../orgs/OrgTree';
import { useOrgUnit } from '../orgs/queries';
import { useOrgTree } from '../orgs/useOrgTree';
import { CreateHouseholdModal } from './CreateHouseholdModal';
import { HouseholdDrawer } from './HouseholdDrawer';
import { useHouseholds } from './queries';

/** 住户台账: the households of the unit picked in the tree; a household opens in a drawer. */
export function HouseholdsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const navigate = useNavigate();
  const tree = useOrgTree();
  const orgId = useParams().orgId ?? tree.roots?.[0]?.id;
  const unit = useOrgUnit(orgId);
  const [searchParams, setSearchParams] = useSearchParams();
  const openId = searchParams.get('household') ?? undefined;
  const [q, setQ] = useState('');
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const list = useHouseholds({ orgId, q, ...paging });
  const [isCreateOpen, setCreateOpen] = useState(false);

  const { reveal } = tree;
  useEffect(() => {
    if (orgId !== undefined) reveal(orgId).catch(() => undefined);
  }, [orgId, reveal]);

  const select = useCallback(
    (id: string) => {
      setPaging((p) => ({ ...p, page: 1 }));
      void navigate(`/registry/households/${id}`);
    },
    [navigate],
  );
  const openHousehold = (id: string | undefined) =>
    setSearchParams(
      (params) => {
        if (id === undefined) params.delete('household');
        else params.set('household', id);
        return params;
      },
      { replace: id === undefined },
    );

  const columns: TableColumnsType<Household> = [
    {
      title: t('household.address'),
      dataIndex: 'address',
      ellipsis: { showTitle: true },
      render: (address: string, h) => (
        <Typography.Link onClick={() => openHousehold(h.id)}>
          <HomeOutlined style={{ marginInlineEnd: 6 }} />
          {address}
        </Typography.Link>
      ),
    },
    { title: t('household.head'), dataIndex: 'headName', width: 110, render: (n: string | null) => n ?? '—' },
    { title: t('household.memberCount'), dataIndex: 'memberCount', width: 90, align: 'right' },
    { title: t('household.org'), dataIndex: 'orgName', width: 140, ellipsis: true },
    { title: t('household.updatedAt'), dataIndex: 'updatedAt', width: 170, render: (at: string) => formatTime(at) },
  ];

  return (
    <Flex gap={16} align="flex-start" style={{ minHeight: 'calc(100vh - 104px)' }}>
      <Card
        size="small"
        title={t('org.tree')}
        style={{ width: 320, flex: 'none', position: 'sticky', top: 0 }}
        styles={{ body: { maxHeight: 'calc(100vh - 190px)', overflow: 'auto' } }}
      >
        <div style={{ marginBottom: 12 }}>
          <OrgSearch onPick={select} />
        </div>
        {tree.error !== null ? (
          <Alert type="error" title={errorText(tree.error, i18n)} />
        ) : (
          <OrgTree tree={tree} selectedId={orgId} onSelect={select} />
        )}
      </Card>
      <Card
        style={{ flex: 1, minWidth: 0 }}
        title={
          <span data-testid="households-title">
            {t('nav.households')}
            {unit.data !== undefined && (
              <Typography.Text type="secondary" style={{ fontWeight: 'normal', marginInlineStart: 12 }}>
                {unit.data.fullName}
              </Typography.Text>
            )}
          </span>
        }
        extra={
          can('resident.write') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreateOpen(true)}>
              {t('household.create')}
            </Button>
          )
        }
      >
        <Input.Search
          allowClear
          placeholder={t('household.searchPlaceholder')}
          style={{ width: 320, marginBottom: 16 }}
          onSearch={(text) => {
            setQ(text.trim());
            setPaging((p) => ({ ...p, page: 1 }));
          }}
        />
        {list.error !== null && <Alert type="error" showIcon title={errorText(list.error, i18n)} />}
        <Table<Household>
          rowKey="id"
          size="middle"
          tableLayout="fixed"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.isFetching}
          onRow={(h) => ({ onDoubleClick: () => openHousehold(h.id) })}
          pagination={{
            current: paging.page,
            pageSize: paging.pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (n) => t('common.total', { n }),
            onChange: (page, pageSize) => setPaging({ page, pageSize }),
          }}
          data-testid="households-table"
        />
      </Card>
      <HouseholdDrawer householdId={openId} onClose={() => openHousehold(undefined)} onOpenHousehold={openHousehold} />
      <CreateHouseholdModal
        open={isCreateOpen}
        unit={unit.data}
        onClose={() => setCreateOpen(false)}
        onCreated={(household) => {
          setCreateOpen(false);
          openHousehold(household.id);
        }}
      />
    </Flex>
  );
}
