import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, DatePicker, Drawer, Flex, Form, Input, Radio, Select, Typography } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { clearErrorsOnChange, errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { DutyItemSelect } from '../duties/DutyItemSelect';
import { useTemplates } from '../reports/queries';
import { TASK_KINDS, tasksApi, type Outcome, type TaskKind } from './api';
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

  const send = useMutation({
    mutationFn: (values: SendValues) =>
      tasksApi.send({
        title: values.title.trim(),
        kind: values.kind,
        targetOrgIds: values.targetOrgIds,
        ...(values.dutyItemCode ? { dutyItemCode: values.dutyItemCode } : {}),
        ...(values.kind === 'report' && values.templateId ? { templateId: values.templateId } : {}),
        ...(values.kind === 'report' && values.period ? { period: values.period.format('YYYY-MM') } : {}),
        ...(values.dueAt ? { dueAt: values.dueAt.endOf('day').toISOString() } : {}),
        ...(values.description?.trim() ? { description: values.description.trim() } : {}),
      }),
    onSuccess: async (sent) => {
      setOutcomes(sent.outcomes);
      await queryClient.invalidateQueries({ queryKey: taskKeys.all });
      await queryClient.invalidateQueries({ queryKey: ['insights'] });
    },
    onError: (error) => {
      const fields = ['title', 'kind', 'dutyItemCode', 'templateId', 'period', 'dueAt', 'targetOrgIds', 'description'];
      if (!showFieldErrors(form, error, i18n, fields)) void message.error(errorText(error, i18n));
    },
  });

  const close = () => {
    setOutcomes(null);
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
          <Button type="primary" loading={send.isPending} onClick={() => form.submit()} data-testid="task-send-submit">
            {t('tasks.sendSubmit')}
          </Button>
        ) : (
          <Button onClick={close}>{t('common.close')}</Button>
        )
      }
    >
      {outcomes !== null ? (
        <Flex vertical gap={12} data-testid="task-sent">
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
          onFinish={(values) => send.mutate(values)}
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
                label: c.parentName === null ? c.name : `${c.name}（${c.parentName}）`,
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
                (communities.data ?? []).map((c) => c.id),
              )
            }
          >
            {t('tasks.allCommunities', { n: communities.data?.length ?? 0 })}
          </Button>
          <Form.Item name="dueAt" label={t('tasks.dueAt')}>
            <DatePicker style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="description" label={t('tasks.description')}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
          <Typography.Text type="secondary">{t('tasks.admissionHint')}</Typography.Text>
        </Form>
      )}
    </Drawer>
  );
}
