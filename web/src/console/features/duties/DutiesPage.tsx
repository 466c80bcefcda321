import { CheckOutlined, DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Checkbox,
  Flex,
  Input,
  Select,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { downloadFile } from '../../../api/client';
import type { DutyItem, DutyKind } from '../../../api/types';
import { useAuth } from '../../../shared/auth';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { DutyImportModal } from './DutyImportModal';
import { DutyItemDrawer, type DrawerTarget } from './DutyItemDrawer';
import { DutyKindTag } from './DutyKindTag';
import { useDutyList } from './queries';
import { useDepartmentName } from './useDepartmentName';
import { DUTY_KINDS, KIND_LABEL } from './vocabulary';

/** 权责清单: who is responsible for what; routing of cases follows it. Editable by duty.manage holders. */
export function DutiesPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const { message } = App.useApp();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<DutyKind | undefined>();
  const [isRetiredShown, setRetiredShown] = useState(false);
  const [target, setTarget] = useState<DrawerTarget>(null);
  const [isImportOpen, setImportOpen] = useState(false);
  const list = useDutyList({
    ...(q === '' ? {} : { q }),
    ...(kind === undefined ? {} : { kind }),
    ...(isRetiredShown ? { includeRetired: 'true' as const } : {}),
  });
  const canManage = can('duty.manage');
  const departmentName = useDepartmentName();

  const exportFile = useMutation({
    mutationFn: () => downloadFile('/api/v1/duties/export', `${t('duties.exportName')}.xlsx`),
    onError: (error) => void message.error(errorText(error, i18n)),
  });

  const hours = (normal: number, urgent: number) => (
    <Tooltip title={t('duties.urgentHours', { n: urgent })}>
      <span className="tz-nowrap">
        {normal}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {' '}
          / {urgent}
        </Typography.Text>
      </span>
    </Tooltip>
  );

  const columns: TableColumnsType<DutyItem> = [
    {
      title: t('duties.code'),
      dataIndex: 'code',
      width: 96,
      render: (code: string, item) => (
        <Typography.Link className="tz-mono" onClick={() => setTarget({ item })}>
          {code}
        </Typography.Link>
      ),
    },
    {
      title: t('duties.category'),
      dataIndex: 'category',
      width: 170,
      ellipsis: true,
      render: (c: DutyItem['category']) => (
        <span>
          {c[0]}
          <Typography.Text type="secondary"> / {c[1]}</Typography.Text>
        </span>
      ),
    },
    {
      title: t('duties.name'),
      dataIndex: 'name',
      ellipsis: { showTitle: false },
      render: (name: string, item) => (
        <Tooltip title={item.description}>
          <span>
            {name}
            {item.isRetired && (
              <Tag style={{ marginInlineStart: 6 }} variant="filled">
                {t('duties.retired')}
              </Tag>
            )}
          </span>
        </Tooltip>
      ),
    },
    { title: t('duties.kind'), dataIndex: 'kind', width: 140, render: (k: DutyKind) => <DutyKindTag kind={k} /> },
    {
      title: t('duties.department'),
      dataIndex: 'departmentName',
      width: 160,
      ellipsis: true,
      render: (_name: string | null, item) =>
        departmentName(item) ?? <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      title: <Tooltip title={t('duties.hoursHint')}>{t('duties.acceptHours')}</Tooltip>,
      key: 'accept',
      width: 96,
      align: 'right',
      render: (_v, item) => hours(item.acceptHours, item.urgentAcceptHours),
    },
    {
      title: <Tooltip title={t('duties.hoursHint')}>{t('duties.resolveHours')}</Tooltip>,
      key: 'resolve',
      width: 100,
      align: 'right',
      render: (_v, item) => hours(item.resolveHours, item.urgentResolveHours),
    },
    {
      title: <Tooltip title={t('duties.isPublicHint')}>{t('duties.isPublicShort')}</Tooltip>,
      dataIndex: 'isPublic',
      width: 84,
      align: 'center',
      render: (isPublic: boolean) => (isPublic ? <CheckOutlined style={{ color: '#52c41a' }} /> : null),
    },
    { title: t('duties.revision'), dataIndex: 'revision', width: 64, align: 'right' },
  ];

  return (
    <Card
      title={t('nav.duties')}
      extra={
        <Flex gap={8}>
          <Button icon={<DownloadOutlined />} loading={exportFile.isPending} onClick={() => exportFile.mutate()}>
            {t('duties.export')}
          </Button>
          {canManage && (
            <Button icon={<UploadOutlined />} onClick={() => setImportOpen(true)} data-testid="duty-import-open">
              {t('duties.import')}
            </Button>
          )}
          {canManage && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setTarget({ item: null })}
              data-testid="duty-create"
            >
              {t('duties.create')}
            </Button>
          )}
        </Flex>
      }
    >
      <Typography.Paragraph type="secondary">{t('duties.intro')}</Typography.Paragraph>
      <Flex gap={12} style={{ marginBottom: 16 }} wrap align="center">
        <Input.Search
          allowClear
          placeholder={t('duties.searchPlaceholder')}
          style={{ width: 280 }}
          onSearch={(v) => setQ(v.trim())}
          data-testid="duty-search"
        />
        <Select<DutyKind>
          allowClear
          placeholder={t('duties.kindFilter')}
          style={{ width: 180 }}
          value={kind}
          onChange={setKind}
          options={DUTY_KINDS.map((k) => ({ value: k, label: t(KIND_LABEL[k]) }))}
        />
        <Checkbox checked={isRetiredShown} onChange={(e) => setRetiredShown(e.target.checked)}>
          {t('duties.showRetired')}
        </Checkbox>
        {list.data !== undefined && (
          <Typography.Text type="secondary">
            {t('duties.listVersion', { v: list.data.listVersion, n: list.data.items.length })}
          </Typography.Text>
        )}
      </Flex>
      <Table<DutyItem>
        rowKey="id"
        size="middle"
        tableLayout="fixed"
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.isFetching}
        onRow={(item) => ({
          onClick: () => setTarget({ item }),
          style: { cursor: 'pointer', opacity: item.isRetired ? 0.55 : 1 },
        })}
        pagination={{ pageSize: 50, showSizeChanger: false, showTotal: (n) => t('common.total', { n }) }}
        data-testid="duty-table"
      />
      <DutyItemDrawer target={target} onClose={() => setTarget(null)} onSaved={(item) => setTarget({ item })} />
      <DutyImportModal open={isImportOpen} onClose={() => setImportOpen(false)} />
    </Card>
  );
}
