import { CloudUploadOutlined, DeleteOutlined, RedoOutlined } from '@ant-design/icons';
import { App, Alert, Button, Empty, Flex, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n';
import { shortTime } from '../cases/time';
import { useField } from './FieldContext';
import { FieldLayout } from './FieldLayout';
import type { OpState, QueuedOp } from './store';

const STATE_LABEL: Record<OpState, MessageKey> = {
  pending: 'field.op.pending',
  synced: 'field.op.synced',
  stale: 'field.op.stale',
  rejected: 'field.op.rejected',
};
const STATE_COLOR: Record<OpState, string> = { pending: 'orange', synced: 'green', stale: 'blue', rejected: 'red' };

export function OpStateTag({ op }: { op: QueuedOp }) {
  const { t } = useI18n();
  return (
    <Tag
      color={STATE_COLOR[op.state]}
      variant="filled"
      style={{ marginInlineEnd: 0 }}
      data-testid="op-state"
      data-state={op.state}
    >
      {t(STATE_LABEL[op.state])}
    </Tag>
  );
}

const KIND_LABEL: Record<QueuedOp['op']['kind'], MessageKey> = {
  visit: 'field.op.visit',
  case: 'field.op.case',
  household_change: 'field.op.change',
};

function OpCard({ op }: { op: QueuedOp }) {
  const { t, lang, pick } = useI18n();
  const { modal } = App.useApp();
  const { sync } = useField();
  return (
    <div className="tz-case-card" data-testid="queued-op" data-state={op.state} data-kind={op.op.kind}>
      <Flex justify="space-between" align="flex-start" gap={8}>
        <Typography.Text strong>
          {t(KIND_LABEL[op.op.kind])}
          {op.label.address !== undefined && ` · ${op.label.address}`}
        </Typography.Text>
        <OpStateTag op={op} />
      </Flex>
      <div className="tz-two-lines" style={{ margin: '4px 0', fontSize: 14 }}>
        {op.label.summary}
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('field.op.savedAt', { time: shortTime(op.createdAt, lang) })}
        {op.syncedAt !== null && ` · ${t('field.op.syncedAt', { time: shortTime(op.syncedAt, lang) })}`}
      </Typography.Text>
      {op.caseNumber !== null && (
        <div style={{ marginTop: 4 }}>
          <Tag color="purple" variant="filled" data-testid="case-number">
            {t('field.op.caseNumber', { number: op.caseNumber })}
          </Tag>
        </div>
      )}
      {op.state === 'stale' && <Alert type="info" showIcon title={t('field.op.staleHint')} style={{ marginTop: 8 }} />}
      {(op.factsToCheck ?? 0) > 0 && (
        <Typography.Text type="secondary" style={{ display: 'block', marginTop: 4, fontSize: 12 }}>
          {t('field.op.factsToCheck', { n: op.factsToCheck ?? 0 })}
        </Typography.Text>
      )}
      {op.photoNotes.map((note, i) => (
        <Alert key={i} type="warning" showIcon title={pick(note)} style={{ marginTop: 8 }} data-testid="photo-note" />
      ))}
      {op.error !== null && (
        <Alert type="error" showIcon title={pick(op.error)} style={{ marginTop: 8 }} data-testid="op-error" />
      )}
      {op.state === 'rejected' && (
        <Flex gap={8} style={{ marginTop: 8 }}>
          <Button icon={<RedoOutlined />} onClick={() => void sync.retry(op.clientId)} data-testid="op-retry">
            {t('phone.retry')}
          </Button>
          <Button
            danger
            icon={<DeleteOutlined />}
            onClick={() =>
              void modal.confirm({
                title: t('field.op.discardTitle'),
                content: t('field.op.discardHint'),
                okButtonProps: { danger: true },
                okText: t('field.op.discard'),
                cancelText: t('common.cancel'),
                onOk: () => void sync.discard(op.clientId),
              })
            }
          >
            {t('field.op.discard')}
          </Button>
        </Flex>
      )}
      {op.label.householdId !== undefined && (
        <Link to={`/m/field/h/${op.label.householdId}`} style={{ display: 'block', marginTop: 6, fontSize: 13 }}>
          {t('field.op.openHousehold')}
        </Link>
      )}
    </div>
  );
}

/** 同步: what waits on the phone, what the server refused (with retry), and what already went out. */
export function SyncPage() {
  const { t, pick } = useI18n();
  const { syncState: s, sync } = useField();
  const waiting = s.ops.filter((o) => o.state === 'pending' || o.state === 'rejected');
  const done = s.ops
    .filter((o) => o.state === 'synced' || o.state === 'stale')
    .reverse()
    .slice(0, 50);
  return (
    <FieldLayout title={t('field.sync.title')}>
      {s.needsSignIn && <Alert type="warning" showIcon title={t('field.sync.signIn')} style={{ marginBottom: 10 }} />}
      {s.problem !== null && s.pending > 0 && (
        <Alert type={s.isOnline ? 'error' : 'info'} showIcon title={pick(s.problem)} style={{ marginBottom: 10 }} />
      )}
      <Button
        type="primary"
        block
        size="large"
        icon={<CloudUploadOutlined />}
        disabled={!s.isOnline || s.pending === 0}
        loading={s.isSyncing}
        onClick={() => sync.kick()}
        style={{ marginBottom: 14 }}
        data-testid="sync-now"
      >
        {t('field.sync.now')}
      </Button>
      <section className="tz-phone-section">
        <h2>{t('field.sync.waiting', { n: waiting.length })}</h2>
        {waiting.length === 0 && (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('field.sync.nothingWaiting')} />
        )}
        <Flex vertical gap={10} data-testid="queue-waiting">
          {waiting.map((op) => (
            <OpCard key={op.clientId} op={op} />
          ))}
        </Flex>
      </section>
      {done.length > 0 && (
        <section className="tz-phone-section">
          <h2>{t('field.sync.done')}</h2>
          <Flex vertical gap={10} data-testid="queue-done">
            {done.map((op) => (
              <OpCard key={op.clientId} op={op} />
            ))}
          </Flex>
        </section>
      )}
    </FieldLayout>
  );
}
