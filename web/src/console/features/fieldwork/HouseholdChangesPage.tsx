import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Flex,
  Input,
  Modal,
  Segmented,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { formatTime } from '../../../shared/time';
import { useCareTags } from '../registry/queries';
import { applyChange, rejectChange, useFieldworkMutation, useHouseholdChanges, type HouseholdChange } from './queries';
import { UnitPicker, useUnitTrail } from './UnitPicker';
import { CHANGE_STATE_COLOR, CHANGE_STATE_LABEL, FACT_FIELD_LABEL, factValueText } from './vocabulary';

/**
 * 住户信息核对: what grid workers learned at the door, waiting for staff. A stale one was based on
 * an older version of the resident than the ledger holds now: check it before applying.
 */
export function HouseholdChangesPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const trail = useUnitTrail();
  const [state, setState] = useState<'proposed' | 'stale'>('proposed');
  const changes = useHouseholdChanges(trail.current?.id, state);
  const tagNames = new Map((useCareTags().data ?? []).map((tag) => [tag.code, tag.name]));
  const apply = useFieldworkMutation(applyChange);
  const reject = useFieldworkMutation(({ id, reason }: { id: string; reason: string }) => rejectChange(id, reason));
  const [rejecting, setRejecting] = useState<HouseholdChange | null>(null);
  const [reason, setReason] = useState('');

  const columns: TableColumnsType<HouseholdChange> = [
    { title: t('fieldwork.address'), dataIndex: 'address', ellipsis: true },
    {
      title: t('fieldwork.change.resident'),
      dataIndex: 'residentName',
      width: 100,
      render: (v: string | null) => v ?? '—',
    },
    {
      title: t('fieldwork.change.field'),
      dataIndex: 'field',
      width: 120,
      render: (f: HouseholdChange['field']) => t(FACT_FIELD_LABEL[f]),
    },
    {
      title: t('fieldwork.change.value'),
      key: 'value',
      width: 160,
      render: (_v, row) => factValueText(row.field, row.value, t, (code) => tagNames.get(code) ?? code),
    },
    {
      title: t('fieldwork.change.state'),
      key: 'state',
      width: 150,
      render: (_v, row) => (
        <Flex vertical gap={2}>
          <Tag color={CHANGE_STATE_COLOR[row.state]} variant="filled" style={{ width: 'fit-content' }}>
            {t(CHANGE_STATE_LABEL[row.state])}
          </Tag>
          {row.state === 'stale' && row.currentVersion !== null && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('fieldwork.change.versions', { base: row.baseVersion, now: row.currentVersion })}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    {
      title: t('fieldwork.change.by'),
      key: 'by',
      width: 150,
      ellipsis: true,
      render: (_v, row) => row.proposedBy.name,
    },
    { title: t('fieldwork.change.at'), dataIndex: 'createdAt', width: 160, render: (v: string) => formatTime(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 170,
      render: (_v, row) => (
        <Flex gap={4}>
          <Button
            size="small"
            type="primary"
            icon={<CheckOutlined />}
            loading={apply.isPending && apply.variables === row.id}
            onClick={() =>
              void apply
                .mutateAsync(row.id)
                .then(() => void message.success(t('fieldwork.change.appliedDone')))
                .catch((error: unknown) => void message.error(errorText(error, i18n)))
            }
          >
            {t('fieldwork.change.apply')}
          </Button>
          <Button size="small" icon={<CloseOutlined />} onClick={() => setRejecting(row)}>
            {t('fieldwork.change.reject')}
          </Button>
        </Flex>
      ),
    },
  ];

  return (
    <Flex vertical gap={16}>
      <Card
        title={t('nav.fieldworkChanges')}
        extra={
          <Segmented
            value={state}
            onChange={(v) => setState(v as 'proposed' | 'stale')}
            options={[
              { value: 'proposed', label: t('fieldwork.change.proposed') },
              { value: 'stale', label: t('fieldwork.change.stale') },
            ]}
          />
        }
        styles={{ body: { paddingBottom: 12 } }}
      >
        <UnitPicker trail={trail} />
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          {state === 'stale' ? t('fieldwork.change.staleHint') : t('fieldwork.change.proposedHint')}
        </Typography.Paragraph>
      </Card>
      {changes.error !== null && <Alert type="error" showIcon title={errorText(changes.error, i18n)} />}
      <Card size="small">
        <Table<HouseholdChange>
          rowKey="id"
          size="small"
          tableLayout="fixed"
          loading={changes.isFetching}
          columns={columns}
          dataSource={changes.data?.items ?? []}
          pagination={{ pageSize: 20, size: 'small', showTotal: (n) => t('common.total', { n }) }}
          locale={{ emptyText: t('fieldwork.change.none') }}
          data-testid="change-table"
        />
      </Card>
      <Modal
        title={t('fieldwork.change.rejectTitle')}
        open={rejecting !== null}
        onCancel={() => setRejecting(null)}
        okText={t('fieldwork.change.reject')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: true }}
        confirmLoading={reject.isPending}
        onOk={() => {
          if (rejecting === null) return;
          reject
            .mutateAsync({ id: rejecting.id, reason })
            .then(() => {
              setRejecting(null);
              setReason('');
            })
            .catch((error: unknown) => void message.error(errorText(error, i18n)));
        }}
        destroyOnHidden
      >
        <Input.TextArea
          autoSize={{ minRows: 2, maxRows: 5 }}
          maxLength={500}
          placeholder={t('fieldwork.change.reasonPlaceholder')}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Modal>
    </Flex>
  );
}
