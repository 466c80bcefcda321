import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Descriptions, Drawer, Flex, Form, Input, Modal, Radio, Space, Typography } from 'antd';
import { useState } from 'react';
import { useAuth } from '../../../shared/auth';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { ReportResult } from '../reports/ReportResult';
import { kindOf, tasksApi, type Outcome } from './api';
import { OutcomeTable } from './OutcomeTable';
import { CommentModal, RecordModal } from './RecordModal';
import { RollupTable, StepList } from './RollupTable';
import { taskKeys, useTask } from './queries';

/** Street staff look again at a refusal: uphold it, or admit the task after all, with a reason. */
function ReviewModal({ taskId, outcome, onClose }: { taskId: string; outcome: Outcome | null; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ decision: 'uphold' | 'admit'; reason: string }>();
  const review = useMutation({
    mutationFn: (values: { decision: 'uphold' | 'admit'; reason: string }) =>
      tasksApi.review(taskId, outcome!.orgId, { decision: values.decision, reason: values.reason.trim() }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: taskKeys.all });
      onClose();
    },
    onError: (error) => void message.error(errorText(error, i18n)),
  });
  return (
    <Modal
      title={t('tasks.reviewTitle', { name: outcome?.orgName ?? '' })}
      open={outcome !== null}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={review.isPending}
      destroyOnHidden
    >
      {outcome && (
        <Typography.Paragraph type="secondary">
          {i18n.pick({ zh: outcome.reason_zh ?? '', en: outcome.reason_en ?? '' })}
        </Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" initialValues={{ decision: 'uphold' }} onFinish={(v) => review.mutate(v)}>
        <Form.Item name="decision" label={t('tasks.reviewDecision')}>
          <Radio.Group>
            <Radio value="uphold">{t('tasks.review.uphold')}</Radio>
            <Radio value="admit">{t('tasks.review.admit')}</Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('tasks.reviewReason')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** One task: what was asked, each community's admission outcome, and — for whoever may — answer or review. */
export function TaskDrawer({ taskId, onClose }: { taskId: string | undefined; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const task = useTask(taskId);
  const data = task.data;
  const [reviewing, setReviewing] = useState<Outcome | null>(null);
  const [answered, setAnswered] = useState<string | null>(null);

  const answer = useMutation({
    mutationFn: (orgId: string) => tasksApi.answer(taskId!, orgId),
    onSuccess: async (result) => {
      setAnswered(result.reportId);
      await queryClient.invalidateQueries({ queryKey: taskKeys.all });
      await queryClient.invalidateQueries({ queryKey: ['reports'] });
      await queryClient.invalidateQueries({ queryKey: ['insights'] });
    },
    onError: (error) => void message.error(errorText(error, i18n)),
  });

  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: taskKeys.all });
    await queryClient.invalidateQueries({ queryKey: ['insights'] });
  };
  const approve = useMutation({
    mutationFn: (orgId: string) => tasksApi.approve(taskId!, orgId),
    onSuccess: refresh,
    onError: (error) => void message.error(errorText(error, i18n)),
  });
  const [recording, setRecording] = useState<Outcome | null>(null);
  const [returning, setReturning] = useState<Outcome | null>(null);

  const actions = (outcome: Outcome) => {
    if (data === undefined) return null;
    if (outcome.status === 'admitted' && data.kind === 'report') {
      const state = outcome.approval?.state;
      const mayAnswer = can('report.generate') && !data.isSender && state !== 'submitted';
      // the level above the target judges it (the server says who stands there)
      const mayJudge = outcome.canJudge && state === 'submitted';
      return (
        <Space size={4} wrap>
          {outcome.reportId && (
            <Button size="small" onClick={() => setAnswered(outcome.reportId)}>
              {t('tasks.viewAnswer')}
            </Button>
          )}
          {mayAnswer && (state === undefined || state === 'returned') && (
            <Button
              size="small"
              type="primary"
              loading={answer.isPending && answer.variables === outcome.orgId}
              onClick={() => answer.mutate(outcome.orgId)}
              data-testid="task-answer"
            >
              {t(state === 'returned' ? 'tasks.answerAgain' : 'tasks.answer')}
            </Button>
          )}
          {mayJudge && (
            <>
              <Button
                size="small"
                type="primary"
                loading={approve.isPending && approve.variables === outcome.orgId}
                onClick={() => approve.mutate(outcome.orgId)}
                data-testid="task-approve"
              >
                {t('tasks.approve')}
              </Button>
              <Button size="small" danger onClick={() => setReturning(outcome)} data-testid="task-return">
                {t('tasks.return')}
              </Button>
            </>
          )}
        </Space>
      );
    }
    if (outcome.status === 'admitted' && outcome.doneAt === null && !data.isSender && can('task.read')) {
      return (
        <Button size="small" type="primary" onClick={() => setRecording(outcome)} data-testid="task-record">
          {t('tasks.record')}
        </Button>
      );
    }
    if (outcome.status === 'refused' && outcome.review == null && can('task.review')) {
      return (
        <Button size="small" onClick={() => setReviewing(outcome)} data-testid="task-review">
          {t('tasks.review')}
        </Button>
      );
    }
    return null;
  };

  const close = () => {
    setAnswered(null);
    onClose();
  };

  return (
    <Drawer
      title={data?.title}
      open={taskId !== undefined}
      onClose={close}
      size="large"
      loading={task.isPending}
      destroyOnHidden
      data-testid="task-drawer"
    >
      {data && (
        <Flex vertical gap={16}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('tasks.kind')}>{t(`tasks.kind.${kindOf(data.kind)}`)}</Descriptions.Item>
            <Descriptions.Item label={t('tasks.from')}>{data.fromOrg.name}</Descriptions.Item>
            <Descriptions.Item label={t('tasks.dutyItem')} span={2}>
              {data.dutyItemCode ? (
                `${data.dutyItemCode} ${data.dutyItemName ?? ''}`
              ) : (
                <Typography.Text type="danger">{t('tasks.noDutyItem')}</Typography.Text>
              )}
            </Descriptions.Item>
            {data.kind === 'report' && (
              <Descriptions.Item label={t('tasks.template')}>
                {data.templateName} {data.period ? `· ${data.period}` : ''}
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('tasks.dueAt')}>
              {data.dueAt ? dayjs(data.dueAt).tz(DISPLAY_ZONE).format('YYYY-MM-DD') : '—'}
            </Descriptions.Item>
            {data.meeting && (
              <>
                <Descriptions.Item label={t('tasks.meeting.startsAt')}>
                  {data.meeting.startsAt
                    ? dayjs(data.meeting.startsAt).tz(DISPLAY_ZONE).format('YYYY-MM-DD HH:mm')
                    : '—'}
                  {data.meeting.minutes ? `（${data.meeting.minutes} 分钟）` : ''}
                </Descriptions.Item>
                <Descriptions.Item label={t('tasks.meeting.attendees')}>
                  {data.meeting.attendees.join('、')}
                </Descriptions.Item>
                <Descriptions.Item label={t('tasks.meeting.place')}>{data.meeting.place ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('tasks.meeting.videoUrl')}>
                  {data.meeting.videoUrl ?? '—'}
                  {data.meeting.allowVideo ? ` · ${t('tasks.meeting.allowVideo')}` : ''}
                  {data.meeting.allowWritten ? ` · ${t('tasks.meeting.allowWritten')}` : ''}
                </Descriptions.Item>
              </>
            )}
            {data.kind === 'document' && data.replyRequired && (
              <Descriptions.Item label={t('tasks.reply')}>{t('tasks.replyRequired')}</Descriptions.Item>
            )}
            {data.checklist.length > 0 && (
              <Descriptions.Item label={t('tasks.checklist')} span={2}>
                {data.checklist.join('；')}
              </Descriptions.Item>
            )}
            {data.requesters.length > 0 && (
              <Descriptions.Item label={t('tasks.requesters')} span={2}>
                <span data-testid="task-requesters">{data.requesters.map((r) => r.orgName).join('、')}</span>
              </Descriptions.Item>
            )}
            {data.description && (
              <Descriptions.Item label={t('tasks.description')} span={2}>
                {data.description}
              </Descriptions.Item>
            )}
          </Descriptions>
          <OutcomeTable outcomes={data.outcomes} actions={actions} />
          {data.rollups.length > 0 && <RollupTable taskId={data.id} rollups={data.rollups} />}
          {data.steps.length > 0 && <StepList steps={data.steps} />}
          {answered !== null && (
            <Flex vertical gap={8} data-testid="task-answer-result">
              <Typography.Title level={5} style={{ margin: 0 }}>
                {t('tasks.answerResult')}
              </Typography.Title>
              <ReportResult reportId={answered} />
            </Flex>
          )}
        </Flex>
      )}
      <ReviewModal taskId={taskId ?? ''} outcome={reviewing} onClose={() => setReviewing(null)} />
      {data && <RecordModal task={data} outcome={recording} onClose={() => setRecording(null)} onDone={refresh} />}
      <CommentModal
        title={t('tasks.returnTitle', { name: returning?.orgName ?? '' })}
        isOpen={returning !== null}
        onClose={() => setReturning(null)}
        submit={async (comment) => {
          await tasksApi.returnReport(taskId!, returning!.orgId, comment);
          await refresh();
        }}
      />
    </Drawer>
  );
}
