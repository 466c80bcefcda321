import { Alert, App, Button, Card, Empty, Flex, Form, Input, Select, Skeleton, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorText } from '../../shared/errors';
import { shortTime } from '../cases/time';
import { type MessageKey, useI18n } from '../i18n';
import { PhoneLayout } from '../PhoneLayout';
import { type MyTopic, useMyTopics, usePropose, useSupport } from './api';

/** One label and colour per topic state, wherever the phone shows it. */
export const TOPIC_STATES: Record<MyTopic['status'], { label: MessageKey; color: string }> = {
  open: { label: 'councils.status.open', color: 'blue' },
  agenda: { label: 'councils.status.agenda', color: 'gold' },
  lapsed: { label: 'councils.status.lapsed', color: 'default' },
  declined: { label: 'councils.status.declined', color: 'default' },
  adopted: { label: 'councils.status.adopted', color: 'green' },
  rejected: { label: 'councils.status.rejected', color: 'red' },
};

function ProposeForm({ councils }: { councils: { id: string; name: string }[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const propose = usePropose();
  const [form] = Form.useForm<{ councilId: string; title: string; body: string }>();
  const [isOpen, setOpen] = useState(false);
  if (!isOpen) {
    return (
      <Button type="primary" block size="large" onClick={() => setOpen(true)} data-testid="council-propose-open">
        {t('councils.propose')}
      </Button>
    );
  }
  return (
    <Card size="small" title={t('councils.propose')}>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ councilId: councils.at(-1)?.id }}
        onFinish={(values) =>
          // with one council there is no picker, and a field not shown is not in the values
          propose.mutate(
            { ...values, councilId: values.councilId ?? councils.at(-1)?.id ?? '' },
            {
              onSuccess: () => {
                void message.success(t('councils.proposed'));
                form.resetFields();
                setOpen(false);
              },
            },
          )
        }
      >
        {councils.length > 1 && (
          <Form.Item name="councilId" label={t('councils.council')}>
            <Select options={councils.map((c) => ({ value: c.id, label: c.name }))} />
          </Form.Item>
        )}
        <Form.Item
          name="title"
          label={t('councils.topicTitle')}
          rules={[
            { required: true, whitespace: true, message: t('councils.required', { what: t('councils.topicTitle') }) },
          ]}
        >
          <Input maxLength={100} placeholder={t('councils.topicTitle.placeholder')} data-testid="council-topic-title" />
        </Form.Item>
        <Form.Item
          name="body"
          label={t('councils.topicBody')}
          rules={[
            { required: true, whitespace: true, message: t('councils.required', { what: t('councils.topicBody') }) },
          ]}
        >
          <Input.TextArea
            rows={3}
            maxLength={2000}
            placeholder={t('councils.topicBody.placeholder')}
            data-testid="council-topic-body"
          />
        </Form.Item>
        {propose.error !== null && (
          <Alert type="error" showIcon title={errorText(propose.error, i18n)} style={{ marginBottom: 12 }} />
        )}
        <Button type="primary" htmlType="submit" block loading={propose.isPending} data-testid="council-topic-submit">
          {t('councils.submit')}
        </Button>
      </Form>
    </Card>
  );
}

function TopicCard({ topic }: { topic: MyTopic }) {
  const i18n = useI18n();
  const { t } = i18n;
  const support = useSupport();
  const state = TOPIC_STATES[topic.status];
  const isCollecting = topic.status === 'open' || topic.status === 'agenda';
  return (
    <Card size="small" data-testid="council-topic" data-title={topic.title} data-status={topic.status}>
      <Flex justify="space-between" align="start" gap={8}>
        <Typography.Text strong>{topic.title}</Typography.Text>
        <Tag color={state.color} data-testid="council-topic-status">
          {t(state.label)}
        </Tag>
      </Flex>
      <Typography.Paragraph type="secondary" style={{ margin: '6px 0' }}>
        {topic.body}
      </Typography.Paragraph>
      <Flex justify="space-between" align="center" gap={8}>
        <Typography.Text data-testid="council-topic-supporters">
          {t('councils.supporters', { n: topic.supporters, threshold: topic.threshold })}
        </Typography.Text>
        {topic.isSupportedByMe ? (
          <Tag color="green">{t('councils.supported')}</Tag>
        ) : (
          isCollecting && (
            <Button
              size="small"
              type="primary"
              loading={support.isPending}
              onClick={() => support.mutate(topic.id)}
              data-testid="council-topic-support"
            >
              {t('councils.support')}
            </Button>
          )
        )}
      </Flex>
      {topic.status === 'open' && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('councils.until', { date: shortTime(topic.supportUntil, i18n.lang) })}
        </Typography.Text>
      )}
      {topic.closeReason !== null && <Alert type="info" title={topic.closeReason} style={{ marginTop: 6 }} />}
      {support.error !== null && (
        <Alert type="error" showIcon title={errorText(support.error, i18n)} style={{ marginTop: 6 }} />
      )}
    </Card>
  );
}

/** 群众点题: the councils over her household, their topics with supporters, and a form to propose one. */
export function CouncilsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const topics = useMyTopics();
  let body;
  if (topics.isPending) body = <Skeleton active />;
  else if (topics.error !== null) body = <Alert type="error" showIcon title={errorText(topics.error, i18n)} />;
  else if (!topics.data.isBound)
    body = <Alert type="info" showIcon title={t('councils.unbound')} data-testid="councils-unbound" />;
  else if (topics.data.councils.length === 0) body = <Empty description={t('councils.none')} />;
  else
    body = (
      <Flex vertical gap={12}>
        <Typography.Text type="secondary">{topics.data.councils.map((c) => c.name).join(' · ')}</Typography.Text>
        <ProposeForm councils={topics.data.councils} />
        {topics.data.items.map((topic) => (
          <TopicCard key={topic.id} topic={topic} />
        ))}
      </Flex>
    );
  return <PhoneLayout title={t('councils.title')}>{body}</PhoneLayout>;
}
