import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Flex,
  InputNumber,
  Select,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { useAuth } from '../../../shared/auth';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { useCareTags } from '../registry/queries';
import { savePolicies, useFieldworkMutation, usePolicies, type Policy } from './queries';
import { UnitPicker, useUnitTrail } from './UnitPicker';

interface Row {
  key: string;
  careTag: string | null;
  intervalDays: number | null;
  source: Policy['source'] | 'new';
}

let nextKey = 0;
const toRows = (items: Policy[]): Row[] =>
  items.map((p) => ({ key: p.careTag ?? '(all)', careTag: p.careTag, intervalDays: p.intervalDays, source: p.source }));

/** The editable table for one community, started afresh from every answer of the server. */
function PolicyTable({ orgId, policies }: { orgId: string; policies: Policy[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const { message } = App.useApp();
  const careTags = useCareTags().data ?? [];
  const [rows, setRows] = useState<Row[]>(() => toRows(policies));
  const save = useFieldworkMutation((items: { careTag: string | null; intervalDays: number }[]) =>
    savePolicies(orgId, items),
  );
  const tagName = (code: string | null) =>
    code === null ? t('fieldwork.policy.everyone') : (careTags.find((tag) => tag.code === code)?.name ?? code);
  const used = new Set(rows.map((r) => r.careTag));
  const update = (key: string, patch: Partial<Row>) =>
    setRows(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const canEdit = can('visit.manage');

  const columns: TableColumnsType<Row> = [
    {
      title: t('fieldwork.policy.careTag'),
      key: 'tag',
      render: (_v, row) =>
        row.source === 'new' ? (
          <Select
            style={{ width: 200 }}
            value={row.careTag ?? undefined}
            placeholder={t('fieldwork.policy.pickTag')}
            onChange={(careTag: string) => update(row.key, { careTag })}
            options={careTags
              .filter((tag) => !tag.isDerived || tag.code === 'over_80')
              .filter((tag) => !used.has(tag.code) || tag.code === row.careTag)
              .map((tag) => ({ value: tag.code, label: tag.name }))}
          />
        ) : (
          tagName(row.careTag)
        ),
    },
    {
      title: t('fieldwork.policy.interval'),
      key: 'interval',
      width: 220,
      render: (_v, row) => (
        <InputNumber
          min={1}
          max={365}
          value={row.intervalDays}
          disabled={!canEdit}
          suffix={t('fieldwork.policy.days')}
          onChange={(v) => update(row.key, { intervalDays: v })}
          data-testid={`policy-${row.careTag ?? 'all'}`}
        />
      ),
    },
    {
      title: t('fieldwork.policy.source'),
      key: 'source',
      width: 140,
      render: (_v, row) =>
        row.source === 'default' ? (
          <Tag variant="filled">{t('fieldwork.policy.default')}</Tag>
        ) : (
          <Tag color="blue" variant="filled">
            {t('fieldwork.policy.community')}
          </Tag>
        ),
    },
    ...(canEdit
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 72,
            render: (_v: unknown, row: Row) =>
              row.careTag !== null && (
                <Button
                  type="link"
                  danger
                  size="small"
                  icon={<DeleteOutlined />}
                  aria-label={t('fieldwork.policy.remove')}
                  onClick={() => setRows(rows.filter((r) => r.key !== row.key))}
                />
              ),
          },
        ]
      : []),
  ];

  const submit = async () => {
    const items = rows.filter((r) => r.intervalDays !== null && (r.careTag !== null || r.source !== 'new'));
    try {
      await save.mutateAsync(items.map((r) => ({ careTag: r.careTag, intervalDays: r.intervalDays ?? 90 })));
      void message.success(t('common.saved'));
    } catch (error) {
      void message.error(errorText(error, i18n));
    }
  };

  return (
    <>
      <Table<Row>
        rowKey="key"
        size="small"
        columns={columns}
        dataSource={rows}
        pagination={false}
        data-testid="policy-table"
      />
      {canEdit && (
        <Flex justify="space-between" style={{ marginTop: 12 }}>
          <Button
            icon={<PlusOutlined />}
            onClick={() =>
              setRows([...rows, { key: `new-${(nextKey += 1)}`, careTag: null, intervalDays: 30, source: 'new' }])
            }
          >
            {t('fieldwork.policy.add')}
          </Button>
          <Button type="primary" loading={save.isPending} onClick={() => void submit()} data-testid="policy-save">
            {t('common.save')}
          </Button>
        </Flex>
      )}
    </>
  );
}

/**
 * 走访频次: how often each kind of household must be visited in one community. The defaults
 * (独居老人 weekly, 低保户 and 残疾人 monthly, everyone else quarterly) hold until the community changes them.
 */
export function VisitPoliciesPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const trail = useUnitTrail();
  const orgId = trail.current?.id;
  const policies = usePolicies(orgId);
  return (
    <Flex vertical gap={16}>
      <Card title={t('nav.fieldworkPolicies')} styles={{ body: { paddingBottom: 12 } }}>
        <UnitPicker trail={trail} level="community" />
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          {t('fieldwork.policy.hint')}
        </Typography.Paragraph>
      </Card>
      {policies.error !== null && <Alert type="error" showIcon title={errorText(policies.error, i18n)} />}
      <Card size="small" loading={policies.isPending && orgId !== undefined}>
        {orgId !== undefined && policies.data !== undefined && (
          <PolicyTable key={`${orgId}-${policies.dataUpdatedAt}`} orgId={orgId} policies={policies.data} />
        )}
      </Card>
    </Flex>
  );
}
