import { EditOutlined, StopOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Descriptions,
  Drawer,
  Flex,
  Popconfirm,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import type { DutyItem, DutyKind } from '../../../api/types';
import { useAuth } from '../../../shared/auth';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { formatTime } from '../../../shared/time';
import { DutyItemForm } from './DutyItemForm';
import { DutyKindTag } from './DutyKindTag';
import { dutyKeys, useDutyRevisions } from './queries';
import { useDepartmentName } from './useDepartmentName';

/** What the drawer shows: an item (read, then perhaps edited), a new item (null), or nothing. */
export type DrawerTarget = { item: DutyItem | null } | null;

function Revisions({ code }: { code: string }) {
  const { t } = useI18n();
  const revisions = useDutyRevisions(code);
  const columns: TableColumnsType<DutyItem> = [
    { title: t('duties.revision'), dataIndex: 'revision', width: 56 },
    { title: t('duties.revisedAt'), dataIndex: 'createdAt', width: 150, render: (at: string) => formatTime(at) },
    { title: t('duties.name'), dataIndex: 'name', ellipsis: true },
    { title: t('duties.kind'), dataIndex: 'kind', width: 120, render: (k: DutyKind) => <DutyKindTag kind={k} /> },
    {
      title: t('duties.hoursShort'),
      key: 'hours',
      width: 110,
      render: (_v, r) => `${r.acceptHours} / ${r.resolveHours}`,
    },
    {
      title: '',
      key: 'state',
      width: 64,
      render: (_v, r) => (r.isRetired ? <Tag variant="filled">{t('duties.retired')}</Tag> : null),
    },
  ];
  return (
    <Table<DutyItem>
      rowKey="id"
      size="small"
      tableLayout="fixed"
      columns={columns}
      dataSource={[...(revisions.data ?? [])].sort((a, b) => b.revision - a.revision)}
      loading={revisions.isPending}
      pagination={false}
      data-testid="duty-revisions"
    />
  );
}

function ItemView({ item }: { item: DutyItem }) {
  const { t } = useI18n();
  const departmentName = useDepartmentName();
  return (
    <>
      <Descriptions
        size="small"
        bordered
        column={2}
        styles={{ label: { whiteSpace: 'nowrap' } }}
        items={[
          { key: 'code', label: t('duties.code'), children: <span className="tz-mono">{item.code}</span> },
          { key: 'revision', label: t('duties.revision'), children: item.revision },
          { key: 'name', label: t('duties.name'), span: 2, children: item.name },
          { key: 'category', label: t('duties.category'), span: 2, children: item.category.join(' / ') },
          { key: 'kind', label: t('duties.kind'), children: <DutyKindTag kind={item.kind} /> },
          { key: 'department', label: t('duties.department'), children: departmentName(item) ?? '—' },
          {
            key: 'hours',
            label: t('duties.deadlines'),
            span: 2,
            children: t('duties.deadlinesText', {
              a: item.acceptHours,
              r: item.resolveHours,
              ua: item.urgentAcceptHours,
              ur: item.urgentResolveHours,
            }),
          },
          { key: 'basis', label: t('duties.legalBasis'), span: 2, children: item.legalBasis || '—' },
          { key: 'description', label: t('duties.description'), span: 2, children: item.description || '—' },
          {
            key: 'keywords',
            label: t('duties.keywords'),
            span: 2,
            children:
              item.keywords.length === 0
                ? '—'
                : item.keywords.map((k) => (
                    <Tag key={k} variant="filled">
                      {k}
                    </Tag>
                  )),
          },
          {
            key: 'public',
            label: t('duties.isPublic'),
            children: item.isPublic ? t('duties.yes') : t('duties.no'),
          },
          { key: 'created', label: t('duties.revisedAt'), children: formatTime(item.createdAt) },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('duties.revisions')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('duties.revisionsHint')}</Typography.Paragraph>
      <Revisions code={item.code} />
    </>
  );
}

/** One duty item with its revision history; holders of duty.manage edit (a new revision) or retire it. */
export function DutyItemDrawer({
  target,
  onClose,
  onSaved,
}: {
  target: DrawerTarget;
  onClose: () => void;
  onSaved: (item: DutyItem) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [isEditing, setEditing] = useState(false);
  const [isSaving, setSaving] = useState(false);
  const item = target?.item ?? null;
  const isForm = target !== null && (item === null || isEditing);
  const canManage = can('duty.manage');

  const retire = useMutation({
    mutationFn: (toRetire: DutyItem) =>
      unwrap(
        api.POST('/api/v1/duties/{code}/retire', {
          params: { path: { code: toRetire.code } },
          body: { revision: toRetire.revision },
        }),
      ),
    onSuccess: async (retired) => {
      void message.success(t('duties.retiredDone', { code: retired.code }));
      await queryClient.invalidateQueries({ queryKey: dutyKeys.all });
      onSaved(retired);
    },
    onError: (error) => void message.error(errorText(error, i18n)),
  });

  const close = () => {
    setEditing(false);
    onClose();
  };

  const title =
    target === null
      ? ''
      : item === null
        ? t('duties.create')
        : `${item.code} ${item.name}${isEditing ? ` · ${t('duties.edit')}` : ''}`;

  return (
    <Drawer
      title={title}
      open={target !== null}
      onClose={close}
      size={720}
      destroyOnHidden
      extra={
        !isForm &&
        item !== null &&
        canManage &&
        !item.isRetired && (
          <Flex gap={8}>
            <Popconfirm
              title={t('duties.retireConfirm', { code: item.code })}
              description={t('duties.retireHint')}
              okText={t('duties.retire')}
              okButtonProps={{ danger: true }}
              onConfirm={() => retire.mutate(item)}
            >
              <Button danger icon={<StopOutlined />} loading={retire.isPending} data-testid="duty-retire">
                {t('duties.retire')}
              </Button>
            </Popconfirm>
            <Button type="primary" icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="duty-edit">
              {t('duties.edit')}
            </Button>
          </Flex>
        )
      }
      footer={
        isForm && (
          <Flex justify="end" gap={8}>
            <Button onClick={() => (item === null ? close() : setEditing(false))}>{t('common.cancel')}</Button>
            <Button type="primary" htmlType="submit" form="duty-item-form" loading={isSaving} data-testid="duty-save">
              {item === null ? t('common.create') : t('duties.saveRevision')}
            </Button>
          </Flex>
        )
      }
    >
      {isForm ? (
        <>
          {item !== null && (
            <Typography.Paragraph type="secondary">{t('duties.editHint', { n: item.revision })}</Typography.Paragraph>
          )}
          <DutyItemForm
            key={item?.id ?? 'new'}
            formId="duty-item-form"
            item={item}
            onPendingChange={setSaving}
            onSaved={(saved) => {
              setEditing(false);
              onSaved(saved);
            }}
          />
        </>
      ) : (
        item !== null && <ItemView item={item} />
      )}
    </Drawer>
  );
}
