import { DeleteOutlined, UsergroupAddOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Flex,
  Popconfirm,
  Select,
  Table,
  Tabs,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { useAuth } from '../../../shared/auth';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { formatTime } from '../../../shared/time';
import { useCareTags } from '../registry/queries';
import { BulkAssignModal, LINKAGE_KIND_COLOR, LINKAGE_KIND_LABEL } from './BulkAssignModal';
import {
  deleteLinkage,
  LINKAGE_KINDS,
  useFieldworkMutation,
  useGaps,
  useLinkages,
  useLoad,
  type Gap,
  type Linkage,
  type LinkageKind,
  type Load,
} from './queries';
import { UnitPicker, useUnitTrail } from './UnitPicker';

const PAGE_SIZE = 20;

function KindTag({ kind }: { kind: LinkageKind }) {
  const { t } = useI18n();
  return (
    <Tag color={LINKAGE_KIND_COLOR[kind]} variant="filled">
      {t(LINKAGE_KIND_LABEL[kind])}
    </Tag>
  );
}

function LinkageTable({ orgId }: { orgId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const { message } = App.useApp();
  const [kind, setKind] = useState<LinkageKind | undefined>(undefined);
  const [page, setPage] = useState(1);
  const list = useLinkages(orgId, { ...(kind === undefined ? {} : { kind }), page, pageSize: PAGE_SIZE });
  const remove = useFieldworkMutation(deleteLinkage);

  const columns: TableColumnsType<Linkage> = [
    { title: t('fieldwork.address'), dataIndex: 'address', ellipsis: true },
    { title: t('fieldwork.person'), dataIndex: 'userName', width: 180, ellipsis: true },
    {
      title: t('fieldwork.linkageKind'),
      dataIndex: 'kind',
      width: 120,
      render: (k: LinkageKind) => <KindTag kind={k} />,
    },
    { title: t('fieldwork.linkedAt'), dataIndex: 'createdAt', width: 170, render: (v: string) => formatTime(v) },
    ...(can('linkage.manage')
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 72,
            render: (_v: unknown, row: Linkage) => (
              <Popconfirm
                title={t('fieldwork.unlinkConfirm')}
                onConfirm={() =>
                  void remove.mutateAsync(row.id).catch((error: unknown) => void message.error(errorText(error, i18n)))
                }
              >
                <Button type="link" size="small" danger icon={<DeleteOutlined />} aria-label={t('fieldwork.unlink')} />
              </Popconfirm>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <Flex gap={8} style={{ marginBottom: 12 }}>
        <Select
          allowClear
          style={{ width: 200 }}
          placeholder={t('fieldwork.allKinds')}
          value={kind}
          onChange={(v: LinkageKind | undefined) => {
            setKind(v);
            setPage(1);
          }}
          options={LINKAGE_KINDS.map((k) => ({ value: k, label: t(LINKAGE_KIND_LABEL[k]) }))}
        />
      </Flex>
      {list.error !== null && <Alert type="error" showIcon title={errorText(list.error, i18n)} />}
      <Table<Linkage>
        rowKey="id"
        size="small"
        tableLayout="fixed"
        loading={list.isFetching}
        columns={columns}
        dataSource={list.data?.items ?? []}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: list.data?.total ?? 0,
          onChange: setPage,
          showTotal: (n) => t('common.total', { n }),
          size: 'small',
        }}
        data-testid="linkage-table"
      />
    </>
  );
}

function GapTable({ orgId, onAssign }: { orgId: string; onAssign: (ids: string[]) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const [page, setPage] = useState(1);
  const [picked, setPicked] = useState<string[]>([]);
  const gaps = useGaps(orgId, page, PAGE_SIZE);
  const tagNames = new Map((useCareTags().data ?? []).map((tag) => [tag.code, tag.name]));
  const columns: TableColumnsType<Gap> = [
    { title: t('fieldwork.address'), dataIndex: 'address', ellipsis: true },
    { title: t('fieldwork.grid'), dataIndex: 'gridName', width: 160, ellipsis: true },
    {
      title: t('fieldwork.careTags'),
      dataIndex: 'careTags',
      render: (tags: string[]) =>
        tags.length === 0 ? (
          <Typography.Text type="secondary">—</Typography.Text>
        ) : (
          tags.map((tag) => (
            <Tag key={tag} color="volcano" variant="filled">
              {tagNames.get(tag) ?? tag}
            </Tag>
          ))
        ),
    },
  ];
  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">{t('fieldwork.gapsHint')}</Typography.Text>
        {can('linkage.manage') && (
          <Button
            type="primary"
            icon={<UsergroupAddOutlined />}
            disabled={picked.length === 0}
            onClick={() => onAssign(picked)}
          >
            {t('fieldwork.assignPicked', { n: picked.length })}
          </Button>
        )}
      </Flex>
      {gaps.error !== null && <Alert type="error" showIcon title={errorText(gaps.error, i18n)} />}
      <Table<Gap>
        rowKey="householdId"
        size="small"
        tableLayout="fixed"
        loading={gaps.isFetching}
        columns={columns}
        dataSource={gaps.data?.items ?? []}
        rowSelection={
          can('linkage.manage')
            ? { selectedRowKeys: picked, onChange: (keys) => setPicked(keys as string[]) }
            : undefined
        }
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: gaps.data?.total ?? 0,
          onChange: setPage,
          showTotal: (n) => t('fieldwork.gapsTotal', { n }),
          size: 'small',
        }}
        data-testid="gap-table"
      />
    </>
  );
}

function LoadTable({ orgId }: { orgId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const load = useLoad(orgId);
  const columns: TableColumnsType<Load> = [
    { title: t('fieldwork.person'), dataIndex: 'name', ellipsis: true },
    {
      title: t('fieldwork.linkedHouseholds'),
      dataIndex: 'households',
      width: 120,
      align: 'right',
      sorter: (a, b) => a.households - b.households,
      defaultSortOrder: 'descend',
    },
    ...LINKAGE_KINDS.map((k) => ({
      title: t(LINKAGE_KIND_LABEL[k]),
      key: k,
      width: 110,
      align: 'right' as const,
      render: (_v: unknown, row: Load) => row.byKind[k] ?? 0,
    })),
  ];
  return (
    <>
      {load.error !== null && <Alert type="error" showIcon title={errorText(load.error, i18n)} />}
      <Table<Load>
        rowKey="userId"
        size="small"
        tableLayout="fixed"
        loading={load.isFetching}
        columns={columns}
        dataSource={load.data ?? []}
        pagination={(load.data?.length ?? 0) > 20 ? { pageSize: 20, size: 'small' } : false}
        data-testid="load-table"
      />
    </>
  );
}

/** 联户管理 (一亲三心): who is linked to which household, the households nobody is linked to, and each person's load. */
export function LinkagePage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const trail = useUnitTrail();
  const [assigning, setAssigning] = useState<string[] | null>(null);
  const orgId = trail.current?.id;
  return (
    <Flex vertical gap={16}>
      <Card
        title={t('nav.fieldworkLinkage')}
        extra={
          can('linkage.manage') &&
          orgId !== undefined && (
            <Button
              type="primary"
              icon={<UsergroupAddOutlined />}
              onClick={() => setAssigning([])}
              data-testid="bulk-assign"
            >
              {t('fieldwork.assign.title')}
            </Button>
          )
        }
        styles={{ body: { paddingBottom: 12 } }}
      >
        <UnitPicker trail={trail} />
      </Card>
      {orgId !== undefined && (
        <Card size="small">
          <Tabs
            items={[
              { key: 'linkages', label: t('fieldwork.tab.linkages'), children: <LinkageTable orgId={orgId} /> },
              {
                key: 'gaps',
                label: t('fieldwork.tab.gaps'),
                children: <GapTable orgId={orgId} onAssign={setAssigning} />,
              },
              { key: 'load', label: t('fieldwork.tab.load'), children: <LoadTable orgId={orgId} /> },
            ]}
          />
        </Card>
      )}
      {orgId !== undefined && (
        <BulkAssignModal
          orgId={orgId}
          selected={assigning ?? []}
          open={assigning !== null}
          onClose={() => setAssigning(null)}
        />
      )}
    </Flex>
  );
}
