import { App, Button, Card, Form, Input, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import type { MessageKey } from '../../app/messages';
import { useResidentSearch } from '../registry/queries';
import { type Appeal, decideAppeal, recordEvent, useAppeals, usePointsMutation, useRules } from './queries';

/** One label and colour per appeal state, everywhere the console shows it. */
const APPEAL_STATES: Record<Appeal['status'], { label: MessageKey; color: string }> = {
  open: { label: 'pc.appeal.status.open', color: 'gold' },
  granted: { label: 'pc.appeal.status.granted', color: 'green' },
  refused: { label: 'pc.appeal.status.refused', color: 'default' },
};

/** Staff record what they confirmed: a good deed, a garbage-sorting check, an item of the negative list. */
function RecordEvent({ orgId }: { orgId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<{ residentId: string; ruleCode: string; note?: string }>();
  const [q, setQ] = useState('');
  const found = useResidentSearch({ orgId, q, status: 'living', page: 1, pageSize: 20 }, q.trim() !== '');
  const rules = useRules(orgId);
  const record = usePointsMutation(recordEvent);
  const confirmable = (rules.data?.items ?? []).filter(
    (r) => r.active && r.source !== 'volunteer' && r.source !== 'council',
  );
  return (
    <Card size="small" title={t('pc.event.new')} style={{ marginBottom: 12 }}>
      <Form
        form={form}
        layout="inline"
        onFinish={(v) =>
          void record
            .mutateAsync({ residentId: v.residentId, ruleCode: v.ruleCode, ...(v.note ? { note: v.note } : {}) })
            .then((out) => {
              void message.success(t('pc.event.done', { amount: out.amount }));
              form.resetFields();
            })
            .catch((e: unknown) => {
              if (!showFieldErrors(form, e, i18n, ['residentId', 'ruleCode', 'note'])) {
                void message.error(errorText(e, i18n));
              }
            })
        }
      >
        <Form.Item name="residentId" label={t('pc.event.resident')} rules={[{ required: true }]}>
          <Select
            showSearch={{ filterOption: false, onSearch: setQ }}
            style={{ width: 220 }}
            placeholder={t('pc.event.residentPlaceholder')}
            loading={found.isFetching}
            options={(found.data?.items ?? []).map((r) => ({ value: r.id, label: `${r.name} · ${r.address}` }))}
            data-testid="event-resident"
          />
        </Form.Item>
        <Form.Item name="ruleCode" label={t('pc.event.rule')} rules={[{ required: true }]}>
          <Select
            style={{ width: 200 }}
            options={confirmable.map((r) => ({
              value: r.code,
              label: `${r.name}（${r.kind === 'deduct' ? '−' : '+'}${r.points}）`,
            }))}
            data-testid="event-rule"
          />
        </Form.Item>
        <Form.Item name="note" label={t('pc.event.note')}>
          <Input maxLength={500} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={record.isPending} data-testid="event-submit">
          {t('pc.event.submit')}
        </Button>
      </Form>
    </Card>
  );
}

/** 记分与申诉: what staff confirm, and the residents' appeals against deductions, decided here. */
export function Appeals({ orgId }: { orgId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const appeals = useAppeals();
  const [notes, setNotes] = useState<Record<string, string>>({});
  const decide = usePointsMutation(({ id, grant }: { id: string; grant: boolean }) =>
    decideAppeal(id, grant, notes[id]?.trim() || undefined),
  );
  const run = (id: string, grant: boolean) =>
    void decide.mutateAsync({ id, grant }).catch((e: unknown) => message.error(errorText(e, i18n)));
  const columns: TableColumnsType<Appeal> = [
    { title: t('pc.event.resident'), dataIndex: 'who' },
    { title: t('pc.appeal.deduction'), key: 'deduction', render: (_v, a) => `${a.deduction}（${a.amount}）` },
    { title: t('pc.appeal.reason'), dataIndex: 'reason' },
    { title: t('pc.appeal.at'), dataIndex: 'createdAt', render: (v: string) => dayjs(v).format('MM-DD HH:mm') },
    {
      key: 'status',
      render: (_v, a) => (
        <Tag color={APPEAL_STATES[a.status].color} data-testid="appeal-status" data-status={a.status}>
          {t(APPEAL_STATES[a.status].label)}
        </Tag>
      ),
    },
    {
      key: 'act',
      render: (_v, a) =>
        a.status === 'open' ? (
          <Space>
            <Input
              size="small"
              maxLength={500}
              placeholder={t('pc.appeal.note')}
              aria-label={t('pc.appeal.note')}
              value={notes[a.id] ?? ''}
              onChange={(e) => setNotes({ ...notes, [a.id]: e.target.value })}
            />
            <Button size="small" type="primary" onClick={() => run(a.id, true)} data-testid="appeal-grant">
              {t('pc.appeal.grant')}
            </Button>
            <Button size="small" onClick={() => run(a.id, false)} data-testid="appeal-refuse">
              {t('pc.appeal.refuse')}
            </Button>
          </Space>
        ) : (
          (a.decisionNote ?? '')
        ),
    },
  ];
  return (
    <>
      <RecordEvent orgId={orgId} />
      <Typography.Title level={5}>{t('pc.appeal.list')}</Typography.Title>
      <Table
        rowKey="id"
        size="small"
        loading={appeals.isPending}
        columns={columns}
        dataSource={appeals.data?.items ?? []}
        data-testid="appeal-queue"
      />
    </>
  );
}
