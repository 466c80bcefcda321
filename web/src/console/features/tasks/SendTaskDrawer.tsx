import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Checkbox,
  DatePicker,
  Drawer,
  Flex,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Space,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { ApiError } from '../../../api/client';
import { clearErrorsOnChange, errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { DutyItemSelect } from '../duties/DutyItemSelect';
import { useTemplates } from '../reports/queries';
import { TASK_KINDS, tasksApi, type Outcome, type Overlap, type TaskKind, type TaskSendBody } from './api';
import { OutcomeTable } from './OutcomeTable';
import { taskKeys } from './queries';

interface SendValues {
  title: string;
  kind: TaskKind;
  dutyItemCode?: string;
  templateId?: string;
  period?: dayjs.Dayjs;
  dueAt?: dayjs.Dayjs;
  targetOrgIds: string[];
  description?: string;
  meetingStartsAt?: dayjs.Dayjs;
  meetingMinutes?: number;
  meetingPlace?: string;
  meetingVideoUrl?: string;
  meetingAttendees?: string[];
  allowVideo?: boolean;
  allowWritten?: boolean;
  replyRequired?: boolean;
  checklist?: string[];
}

/** The form as the API's body. */
function bodyOf(values: SendValues): TaskSendBody {
  return {
    title: values.title.trim(),
    kind: values.kind,
    targetOrgIds: values.targetOrgIds,
    ...(values.dutyItemCode ? { dutyItemCode: values.dutyItemCode } : {}),
    ...(values.kind === 'report' && values.templateId ? { templateId: values.templateId } : {}),
    ...(values.kind === 'report' && values.period ? { period: values.period.format('YYYY-MM') } : {}),
    ...(values.dueAt ? { dueAt: values.dueAt.endOf('day').toISOString() } : {}),
    ...(values.description?.trim() ? { description: values.description.trim() } : {}),
    ...(values.kind === 'meeting'
      ? {
          meeting: {
            startsAt: (values.meetingStartsAt ?? dayjs()).toISOString(),
            minutes: values.meetingMinutes ?? 60,
            ...(values.meetingPlace?.trim() ? { place: values.meetingPlace.trim() } : {}),
            ...(values.meetingVideoUrl?.trim() ? { videoUrl: values.meetingVideoUrl.trim() } : {}),
            attendees: values.meetingAttendees ?? [],
            allowVideo: values.allowVideo === true,
            allowWritten: values.allowWritten === true,
          },
        }
      : {}),
    ...(values.kind === 'document' ? { replyRequired: values.replyRequired === true } : {}),
    ...(values.kind === 'inspection' ? { checklist: values.checklist ?? [] } : {}),
  };
}

/** The communities the sender may send to (a department: those of its district), listed by the server. */
function useTargetCommunities() {
  return useQuery({
    queryKey: ['tasks', 'targets'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/tasks/targets'))).items,
    staleTime: 5 * 60_000,
  });
}

/** A department sends a task down; admission answers at once, community by community. */
export function SendTaskDrawer({ isOpen, onClose }: { isOpen: boolean; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<SendValues>();
  const kind = Form.useWatch('kind', form);
  const communities = useTargetCommunities();
  const templates = useTemplates();
  const [outcomes, setOutcomes] = useState<Outcome[] | null>(null);
  const [mergedInto, setMergedInto] = useState<string | null>(null);
  const [overlap, setOverlap] = useState<{ values: SendValues; items: Overlap[] } | null>(null);

  const send = useMutation({
    mutationFn: async ({ values, choice }: { values: SendValues; choice?: string }) => {
      const body = bodyOf(values);
      if (choice === undefined) {
        // 一表通: told first when the same is already asked of these communities this period
        const found = (await tasksApi.overlaps(body)).items;
        if (found.length > 0) {
          setOverlap({ values, items: found });
          return null;
        }
      }
      return tasksApi.send({
        ...body,
        ...(choice === 'separately'
          ? { sendSeparately: true }
          : choice !== undefined
            ? { mergeIntoTaskId: choice }
            : {}),
      });
    },
    onSuccess: async (sent, { choice }) => {
      if (sent === null) return;
      setOverlap(null);
      if (sent.merged) setMergedInto(overlap?.items.find((o) => o.taskId === choice)?.title ?? '');
      setOutcomes(sent.outcomes);
      await queryClient.invalidateQueries({ queryKey: taskKeys.all });
      await queryClient.invalidateQueries({ queryKey: ['insights'] });
    },
    onError: (error) => {
      const fields = ['title', 'kind', 'dutyItemCode', 'templateId', 'period', 'dueAt', 'targetOrgIds', 'description'];
      const meetingFields: Record<string, string> = {
        'meeting.attendees': 'meetingAttendees',
        'meeting.startsAt': 'meetingStartsAt',
        'meeting.place': 'meetingPlace',
        'meeting.videoUrl': 'meetingVideoUrl',
        meeting: 'meetingStartsAt',
      };
      const meetingProblem =
        error instanceof ApiError ? error.errors.find((p) => meetingFields[p.field] !== undefined) : undefined;
      if (meetingProblem !== undefined) {
        form.setFields([
          {
            name: meetingFields[meetingProblem.field] as keyof SendValues,
            errors: [i18n.pick({ zh: meetingProblem.message_zh, en: meetingProblem.message_en })],
          },
        ]);
        return;
      }
      if (!showFieldErrors(form, error, i18n, fields)) void message.error(errorText(error, i18n));
    },
  });

  const close = () => {
    setOutcomes(null);
    setOverlap(null);
    setMergedInto(null);
    form.resetFields();
    onClose();
  };

  return (
    <Drawer
      title={t('tasks.send')}
      open={isOpen}
      onClose={close}
      size="large"
      destroyOnHidden
      extra={
        outcomes === null ? (
          <Button
            type="primary"
            loading={send.isPending}
            disabled={overlap !== null}
            onClick={() => form.submit()}
            data-testid="task-send-submit"
          >
            {t('tasks.sendSubmit')}
          </Button>
        ) : (
          <Button onClick={close}>{t('common.close')}</Button>
        )
      }
    >
      {outcomes !== null ? (
        <Flex vertical gap={12} data-testid="task-sent">
          {mergedInto !== null && (
            <Alert type="info" showIcon title={t('tasks.merged', { title: mergedInto })} data-testid="task-merged" />
          )}
          <Alert
            type={outcomes.every((o) => o.status === 'admitted') ? 'success' : 'warning'}
            showIcon
            title={t('tasks.sentSummary', {
              admitted: outcomes.filter((o) => o.status === 'admitted').length,
              refused: outcomes.filter((o) => o.status === 'refused').length,
            })}
          />
          <OutcomeTable outcomes={outcomes} />
        </Flex>
      ) : (
        <Form<SendValues>
          form={form}
          layout="vertical"
          initialValues={{ kind: 'report', period: dayjs().tz(DISPLAY_ZONE), targetOrgIds: [] }}
          onFinish={(values) => send.mutate({ values })}
          onValuesChange={clearErrorsOnChange(form)}
          data-testid="task-send-form"
        >
          <Form.Item
            name="title"
            label={t('tasks.title')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={120} data-testid="task-title" />
          </Form.Item>
          <Form.Item name="kind" label={t('tasks.kind')}>
            <Radio.Group optionType="button" data-testid="task-kind">
              {TASK_KINDS.map((k) => (
                <Radio.Button key={k} value={k}>
                  {t(`tasks.kind.${k}`)}
                </Radio.Button>
              ))}
            </Radio.Group>
          </Form.Item>
          <Form.Item name="dutyItemCode" label={t('tasks.dutyItem')} extra={t('tasks.dutyItemHint')}>
            <DutyItemSelect allowClear isDetailed data-testid="task-duty-item" />
          </Form.Item>
          {kind === 'report' && (
            <Flex gap={12}>
              <Form.Item
                name="templateId"
                label={t('tasks.template')}
                style={{ flex: 2 }}
                rules={[{ required: true, message: t('tasks.templateRequired') }]}
              >
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  loading={templates.isPending}
                  options={(templates.data ?? []).map((tpl) => ({ value: tpl.id, label: tpl.name }))}
                  data-testid="task-template"
                />
              </Form.Item>
              <Form.Item name="period" label={t('reports.period')} style={{ flex: 1 }}>
                <DatePicker picker="month" allowClear={false} style={{ width: '100%' }} />
              </Form.Item>
            </Flex>
          )}
          <Form.Item
            name="targetOrgIds"
            label={t('tasks.targets')}
            rules={[{ required: true, type: 'array', min: 1, message: t('tasks.targetsRequired') }]}
          >
            <Select
              mode="multiple"
              loading={communities.isPending}
              showSearch={{ optionFilterProp: 'label' }}
              options={(communities.data ?? []).map((c) => ({
                value: c.id,
                label:
                  c.level === 'street'
                    ? `${c.name}（${t('tasks.level.street')}）`
                    : c.parentName === null
                      ? c.name
                      : `${c.name}（${c.parentName}）`,
              }))}
              placeholder={t('tasks.targetsPlaceholder')}
              data-testid="task-targets"
            />
          </Form.Item>
          {communities.error !== null && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 8 }}
              title={t('tasks.targetsUnavailable')}
              description={errorText(communities.error, i18n)}
            />
          )}
          <Button
            size="small"
            type="link"
            style={{ marginTop: -16, paddingInline: 0 }}
            onClick={() =>
              form.setFieldValue(
                'targetOrgIds',
                (communities.data ?? []).filter((c) => c.level === 'community').map((c) => c.id),
              )
            }
          >
            {t('tasks.allCommunities', {
              n: (communities.data ?? []).filter((c) => c.level === 'community').length,
            })}
          </Button>
          {kind === 'meeting' && (
            <>
              <Flex gap={12}>
                <Form.Item
                  name="meetingStartsAt"
                  label={t('tasks.meeting.startsAt')}
                  style={{ flex: 2 }}
                  rules={[{ required: true, message: t('common.required') }]}
                >
                  <DatePicker
                    showTime={{ format: 'HH:mm' }}
                    format="YYYY-MM-DD HH:mm"
                    style={{ width: '100%' }}
                    data-testid="meeting-starts-at"
                  />
                </Form.Item>
                <Form.Item name="meetingMinutes" label={t('tasks.meeting.minutes')} style={{ flex: 1 }}>
                  <InputNumber min={10} max={600} step={30} style={{ width: '100%' }} />
                </Form.Item>
              </Flex>
              <Form.Item name="meetingPlace" label={t('tasks.meeting.place')}>
                <Input maxLength={200} data-testid="meeting-place" />
              </Form.Item>
              <Form.Item name="meetingVideoUrl" label={t('tasks.meeting.videoUrl')}>
                <Input maxLength={500} placeholder="https://" data-testid="meeting-video-url" />
              </Form.Item>
              <Form.Item
                name="meetingAttendees"
                label={t('tasks.meeting.attendees')}
                extra={t('tasks.meeting.attendeesHint')}
                rules={[{ required: true, type: 'array', min: 1, message: t('common.required') }]}
              >
                <Select mode="tags" open={false} tokenSeparators={['，', ',', '、']} data-testid="meeting-attendees" />
              </Form.Item>
              <Space>
                <Form.Item name="allowVideo" valuePropName="checked" noStyle>
                  <Checkbox data-testid="meeting-allow-video">{t('tasks.meeting.allowVideo')}</Checkbox>
                </Form.Item>
                <Form.Item name="allowWritten" valuePropName="checked" noStyle>
                  <Checkbox>{t('tasks.meeting.allowWritten')}</Checkbox>
                </Form.Item>
              </Space>
            </>
          )}
          {kind === 'document' && (
            <Form.Item name="replyRequired" valuePropName="checked">
              <Checkbox>{t('tasks.replyRequired')}</Checkbox>
            </Form.Item>
          )}
          {kind === 'inspection' && (
            <Form.Item
              name="checklist"
              label={t('tasks.checklist')}
              extra={t('tasks.checklistHint')}
              rules={[{ required: true, type: 'array', min: 1, message: t('common.required') }]}
            >
              <Select mode="tags" open={false} tokenSeparators={['\n', '；', ';']} />
            </Form.Item>
          )}
          <Form.Item name="dueAt" label={t('tasks.dueAt')} style={{ marginTop: kind === 'meeting' ? 16 : 0 }}>
            <DatePicker style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="description" label={t('tasks.description')}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
          <Typography.Text type="secondary">{t('tasks.admissionHint')}</Typography.Text>
          {overlap !== null && (
            <Alert
              style={{ marginTop: 12 }}
              type="warning"
              showIcon
              data-testid="task-overlap"
              title={t('tasks.overlapTitle')}
              description={
                <Flex vertical gap={8}>
                  {overlap.items.map((o) => (
                    <Flex key={o.taskId} gap={8} align="center" wrap>
                      <span>
                        {t('tasks.overlapBody', { from: o.fromOrgName, title: o.title })}（
                        {t(`tasks.overlap.${o.reason}`)}）
                      </span>
                      {o.canMerge && (
                        <Button
                          size="small"
                          type="primary"
                          loading={send.isPending}
                          onClick={() => send.mutate({ values: overlap.values, choice: o.taskId })}
                          data-testid="task-merge"
                        >
                          {t('tasks.merge')}
                        </Button>
                      )}
                    </Flex>
                  ))}
                  <Button
                    size="small"
                    style={{ alignSelf: 'flex-start' }}
                    onClick={() => send.mutate({ values: overlap.values, choice: 'separately' })}
                    data-testid="task-send-separately"
                  >
                    {t('tasks.sendSeparately')}
                  </Button>
                </Flex>
              }
            />
          )}
        </Form>
      )}
    </Drawer>
  );
}
