import { Alert, Button, Flex, Form, Input, Modal, Select, Typography, type UploadFile } from 'antd';
import { useState, type ReactNode } from 'react';
import type { CaseDetail } from '../../../api/types';
import { clearErrorsOnChange } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import type { MessageKey } from '../../app/messages';
import { formatTime } from '../../../shared/time';
import { DutyItemSelect } from '../duties/DutyItemSelect';
import { PhotoPicker, pickedFiles } from './PhotoPicker';
import { useCaseQueue, useReassignTargets } from './queries';
import { useCaseAction } from './useCaseAction';
import { ACTION_LABEL, type CaseAction } from './vocabulary';

/** The buttons of the header, in the order a case moves; notes and replies have their own box. */
const BUTTONS: readonly CaseAction[] = [
  'accept',
  'start',
  'resolve',
  'resume',
  'pause',
  'reassign',
  'return',
  'merge',
  'supervise',
  'reopen',
  'reject',
];
const PRIMARY: readonly CaseAction[] = ['accept', 'start', 'resolve'];
/** Actions that need nothing but a click. */
const IMMEDIATE: readonly CaseAction[] = ['accept', 'start', 'resume'];
const REASON_HINT: Partial<Record<CaseAction, MessageKey>> = {
  reject: 'cases.action.rejectHint',
  return: 'cases.action.returnHint',
  pause: 'cases.action.pauseHint',
  reopen: 'cases.action.reopenHint',
  reassign: 'cases.action.reassignHint',
};

interface ActionForm {
  reason?: string;
  result?: string;
  text?: string;
  toOrgId?: string;
  dutyCode?: string;
  intoCaseId?: string;
  photos?: UploadFile[];
}

/** The open cases this one may be merged into: same item first, as the server lists them. */
function MergeTargetSelect({
  detail,
  value,
  onChange,
}: {
  detail: CaseDetail;
  value?: string;
  onChange?: (id: string) => void;
}) {
  const { t } = useI18n();
  const candidates = useCaseQueue({
    queue: 'all',
    status: 'open',
    pageSize: 100,
    ...(detail.dutyCode === null ? {} : { dutyCode: detail.dutyCode }),
  });
  const options = (candidates.data?.items ?? [])
    .filter((c) => c.id !== detail.id)
    .map((c) => ({
      value: c.id,
      search: `${c.number} ${c.description ?? ''} ${c.orgName}`.toLowerCase(),
      label: (
        <span>
          <span className="tz-mono">{c.number}</span>
          <span style={{ color: '#8c8c8c', marginInline: 8, fontSize: 12 }}>
            {c.orgName} · {formatTime(c.createdAt)}
          </span>
          {c.description}
        </span>
      ),
    }));
  return (
    <Select<string, { value: string; search: string; label: ReactNode }>
      value={value}
      onChange={onChange}
      loading={candidates.isPending}
      placeholder={t('cases.action.mergePlaceholder')}
      showSearch={{ filterOption: (input, option) => option?.search.includes(input.trim().toLowerCase()) ?? false }}
      options={options}
      notFoundContent={t('cases.action.mergeNone')}
      data-testid="merge-target"
    />
  );
}

/** The units a case may be reassigned to, departments named with their district. */
function ReassignTargetSelect({
  detail,
  value,
  onChange,
}: {
  detail: CaseDetail;
  value?: string;
  onChange?: (id: string) => void;
}) {
  const { t } = useI18n();
  const targets = useReassignTargets(detail.id);
  const items = targets.data?.items ?? [];
  const option = (u: (typeof items)[number]) => ({
    value: u.id,
    search: `${u.name} ${u.parentName ?? ''}`.toLowerCase(),
    label: u.parentName === null ? u.name : `${u.name}（${u.parentName}）`,
  });
  const departments = items.filter((u) => u.level === 'department');
  const units = items.filter((u) => u.level !== 'department');
  return (
    <Select<string>
      value={value}
      onChange={onChange}
      loading={targets.isPending}
      placeholder={t('cases.action.toOrgPlaceholder')}
      showSearch={{
        filterOption: (input, o) =>
          String((o as { search?: string } | undefined)?.search ?? '').includes(input.trim().toLowerCase()),
      }}
      options={[
        ...(units.length > 0 ? [{ label: t('cases.action.targetsLocal'), options: units.map(option) }] : []),
        ...(departments.length > 0 ? [{ label: t('level.department'), options: departments.map(option) }] : []),
      ]}
      data-testid="reassign-org"
    />
  );
}

/** The fields of one action's form. */
function ActionFields({ action, detail }: { action: CaseAction; detail: CaseDetail }) {
  const { t } = useI18n();
  const required = { required: true, whitespace: true, message: t('common.required') };
  const atLeastTwo = { min: 2, message: t('resident.revealReasonShort') };
  switch (action) {
    case 'resolve':
      return (
        <>
          <Form.Item name="result" label={t('cases.action.result')} rules={[required, atLeastTwo]}>
            <Input.TextArea rows={4} maxLength={2000} showCount placeholder={t('cases.action.resultPlaceholder')} />
          </Form.Item>
          <Form.Item name="photos" label={t('cases.photos')} extra={t('cases.photo.limits')}>
            <PhotoPicker />
          </Form.Item>
        </>
      );
    case 'reassign':
      return (
        <>
          <Form.Item
            name="toOrgId"
            label={t('cases.action.toOrg')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <ReassignTargetSelect detail={detail} />
          </Form.Item>
          <Form.Item name="dutyCode" label={t('cases.action.newDuty')} extra={t('cases.action.newDutyHint')}>
            <DutyItemSelect allowClear isDetailed />
          </Form.Item>
          <Form.Item name="reason" label={t('cases.action.reason')} rules={[required, atLeastTwo]}>
            <Input.TextArea rows={3} maxLength={500} showCount />
          </Form.Item>
        </>
      );
    case 'merge':
      return (
        <Form.Item
          name="intoCaseId"
          label={t('cases.action.mergeInto')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <MergeTargetSelect detail={detail} />
        </Form.Item>
      );
    case 'supervise':
      return (
        <Form.Item name="text" label={t('cases.action.superviseText')} rules={[required]}>
          <Input.TextArea rows={3} maxLength={2000} showCount placeholder={t('cases.action.supervisePlaceholder')} />
        </Form.Item>
      );
    case 'reject':
    case 'return':
    case 'pause':
    case 'reopen':
      return (
        <Form.Item name="reason" label={t('cases.action.reason')} rules={[required, atLeastTwo]}>
          <Input.TextArea rows={3} maxLength={500} showCount />
        </Form.Item>
      );
    case 'accept':
    case 'start':
    case 'resume':
    case 'note':
    case 'reply':
      return null;
  }
}

/** The workflow buttons the server allows now (`actions`), each with the form it needs. */
export function CaseActions({ detail }: { detail: CaseDetail }) {
  const { t } = useI18n();
  const [form] = Form.useForm<ActionForm>();
  const [open, setOpen] = useState<CaseAction | null>(null);
  const run = useCaseAction(detail, { form, onDone: () => setOpen(null) });
  const allowed = BUTTONS.filter((a) => detail.actions.includes(a));
  if (allowed.length === 0) return null;

  return (
    <Flex gap={8} wrap data-testid="case-actions">
      {allowed.map((action) => (
        <Button
          key={action}
          type={PRIMARY.includes(action) ? 'primary' : 'default'}
          danger={action === 'reject'}
          loading={run.isPending && run.variables.action === action}
          onClick={() => {
            if (IMMEDIATE.includes(action)) run.mutate({ action, input: {} });
            else setOpen(action);
          }}
          data-testid={`action-${action}`}
        >
          {t(ACTION_LABEL[action])}
        </Button>
      ))}
      <Modal
        title={open === null ? '' : `${t(ACTION_LABEL[open])} · ${detail.number}`}
        open={open !== null}
        onCancel={() => setOpen(null)}
        onOk={() => form.submit()}
        okText={open === null ? t('common.confirm') : t(ACTION_LABEL[open])}
        okButtonProps={{ danger: open === 'reject', 'data-testid': 'action-confirm' }}
        confirmLoading={run.isPending}
        width={open === 'resolve' || open === 'reassign' || open === 'merge' ? 640 : 520}
        destroyOnHidden
      >
        {open !== null && REASON_HINT[open] !== undefined && (
          <Alert type="info" showIcon title={t(REASON_HINT[open])} style={{ marginBottom: 16 }} />
        )}
        {open === 'resolve' && (
          <Typography.Paragraph type="secondary">{t('cases.action.resolveHint')}</Typography.Paragraph>
        )}
        <Form<ActionForm>
          form={form}
          layout="vertical"
          preserve={false}
          onValuesChange={clearErrorsOnChange(form)}
          onFinish={(values) => {
            if (open === null) return;
            run.mutate({ action: open, input: { ...values, photos: pickedFiles(values.photos) } });
          }}
          data-testid="action-form"
        >
          {open !== null && <ActionFields action={open} detail={detail} />}
        </Form>
      </Modal>
    </Flex>
  );
}
