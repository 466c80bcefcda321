import { App, Checkbox, DatePicker, Form, Input, Modal, Radio, Select } from 'antd';
import { useState } from 'react';
import { clearErrorsOnChange, errorText, showFieldErrors } from '../../../shared/errors';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { useI18n } from '../../app/i18n';
import { tasksApi, type Outcome, type TaskDetail, type TaskRecordBody } from './api';

interface RecordValues {
  attendance?: 'in_person' | 'video' | 'written';
  attendees?: string[];
  writtenInput?: string;
  summary?: string;
  reply?: string;
  inspectedOn?: dayjs.Dayjs;
  checked?: string[];
  findings?: string;
  followUps?: string;
  note?: string;
}

/** The community records a task done: its meeting attendance, a document read, an inspection's results. */
export function RecordModal({
  task,
  outcome,
  onClose,
  onDone,
}: {
  task: TaskDetail;
  outcome: Outcome | null;
  onClose: () => void;
  onDone: () => Promise<void>;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<RecordValues>();
  const attendance = Form.useWatch('attendance', form);
  const [isSaving, setSaving] = useState(false);
  const meeting = task.meeting;

  const bodyOf = (v: RecordValues): TaskRecordBody => {
    switch (task.kind) {
      case 'meeting':
        return {
          kind: 'meeting',
          attendance: v.attendance ?? 'in_person',
          attendees: v.attendance === 'written' ? [] : (v.attendees ?? []),
          ...(v.writtenInput?.trim() ? { writtenInput: v.writtenInput.trim() } : {}),
          ...(v.summary?.trim() ? { summary: v.summary.trim() } : {}),
        };
      case 'document':
        return { kind: 'document', ...(v.reply?.trim() ? { reply: v.reply.trim() } : {}) };
      case 'inspection':
        return {
          kind: 'inspection',
          inspectedOn: (v.inspectedOn ?? dayjs()).tz(DISPLAY_ZONE).format('YYYY-MM-DD'),
          checklist: task.checklist.map((item) => ({ item, isOk: (v.checked ?? []).includes(item) })),
          findings: (v.findings ?? '').trim(),
          followUps: (v.followUps ?? '')
            .split('\n')
            .map((line) => line.trim())
            .filter((line) => line.length > 0)
            .map((description) => ({ description })),
        };
      default:
        return { kind: 'other', note: (v.note ?? '').trim() };
    }
  };

  const save = async (values: RecordValues) => {
    setSaving(true);
    try {
      await tasksApi.record(task.id, outcome!.orgId, bodyOf(values));
      await onDone();
      onClose();
    } catch (error) {
      if (!showFieldErrors(form, error, i18n, ['attendance', 'attendees', 'writtenInput', 'reply', 'findings', 'note']))
        void message.error(errorText(error, i18n));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title={t('tasks.recordTitle', { name: outcome?.orgName ?? '' })}
      open={outcome !== null}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={isSaving}
      destroyOnHidden
    >
      <Form<RecordValues>
        form={form}
        layout="vertical"
        initialValues={{ attendance: 'in_person', inspectedOn: dayjs(), checked: [] }}
        onFinish={(v) => void save(v)}
        onValuesChange={clearErrorsOnChange(form)}
        data-testid="task-record-form"
      >
        {task.kind === 'meeting' && (
          <>
            <Form.Item name="attendance" label={t('tasks.attendance')}>
              <Radio.Group data-testid="record-attendance">
                <Radio value="in_person">{t('tasks.attendance.in_person')}</Radio>
                {meeting?.allowVideo && <Radio value="video">{t('tasks.attendance.video')}</Radio>}
                {meeting?.allowWritten && <Radio value="written">{t('tasks.attendance.written')}</Radio>}
              </Radio.Group>
            </Form.Item>
            {attendance === 'written' ? (
              <Form.Item
                name="writtenInput"
                label={t('tasks.writtenInput')}
                rules={[{ required: true, whitespace: true }]}
              >
                <Input.TextArea rows={4} maxLength={2000} />
              </Form.Item>
            ) : (
              <Form.Item
                name="attendees"
                label={t('tasks.attendedBy')}
                rules={[{ required: true, type: 'array', min: 1, message: t('common.required') }]}
              >
                <Select mode="tags" open={false} tokenSeparators={['，', ',', '、']} data-testid="record-attendees" />
              </Form.Item>
            )}
            <Form.Item name="summary" label={t('tasks.summary')}>
              <Input.TextArea rows={2} maxLength={1000} />
            </Form.Item>
          </>
        )}
        {task.kind === 'document' && (
          <Form.Item
            name="reply"
            label={task.replyRequired ? t('tasks.reply') : `${t('tasks.readAck')} · ${t('tasks.reply')}`}
            rules={task.replyRequired ? [{ required: true, whitespace: true, message: t('common.required') }] : []}
          >
            <Input.TextArea rows={3} maxLength={2000} data-testid="record-reply" />
          </Form.Item>
        )}
        {task.kind === 'inspection' && (
          <>
            <Form.Item name="inspectedOn" label={t('tasks.inspectedOn')}>
              <DatePicker />
            </Form.Item>
            <Form.Item name="checked" label={t('tasks.checklist')}>
              <Checkbox.Group options={task.checklist.map((item) => ({ label: item, value: item }))} />
            </Form.Item>
            <Form.Item name="findings" label={t('tasks.findings')} rules={[{ required: true, whitespace: true }]}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
            <Form.Item name="followUps" label={t('tasks.followUps')}>
              <Input.TextArea rows={3} />
            </Form.Item>
          </>
        )}
        {task.kind !== 'meeting' && task.kind !== 'document' && task.kind !== 'inspection' && (
          <Form.Item name="note" label={t('tasks.note')} rules={[{ required: true, whitespace: true }]}>
            <Input.TextArea rows={3} maxLength={1000} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** A comment asked before returning a report or a roll-up: the level above says why. */
export function CommentModal({
  title,
  isOpen,
  onClose,
  submit,
}: {
  title: string;
  isOpen: boolean;
  onClose: () => void;
  submit: (comment: string) => Promise<void>;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<{ comment: string }>();
  const [isSaving, setSaving] = useState(false);
  return (
    <Modal
      title={title}
      open={isOpen}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={isSaving}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => {
          setSaving(true);
          submit(v.comment.trim())
            .then(onClose)
            .catch((error: unknown) => {
              if (!showFieldErrors(form, error, i18n, ['comment'])) void message.error(errorText(error, i18n));
            })
            .finally(() => setSaving(false));
        }}
      >
        <Form.Item
          name="comment"
          label={t('tasks.returnComment')}
          rules={[{ required: true, whitespace: true, min: 2, message: t('common.required') }]}
        >
          <Input.TextArea rows={3} maxLength={500} data-testid="return-comment" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
