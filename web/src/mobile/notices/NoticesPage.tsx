import { PaperClipOutlined } from '@ant-design/icons';
import { Alert, App, Badge, Button, Card, Empty, Flex, Form, Input, List, Skeleton, Tag, Typography } from 'antd';
import { useEffect } from 'react';
import { Link, useParams } from 'react-router-dom';
import { clearErrorsOnChange, errorText, showFieldErrors } from '../../shared/errors';
import { shortTime } from '../cases/time';
import { useI18n } from '../i18n';
import { PhoneLayout } from '../PhoneLayout';
import { attachmentUrl, type MyNotice, useAsk, useMarkRead, useMyNotice, useMyNotices } from './api';

/** 我的通知: the notices sent to her household, unread first in colour, newest first. */
export function NoticeListPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const notices = useMyNotices();
  return (
    <PhoneLayout title={t('notices.title')} back="/m/me">
      {notices.isPending ? (
        <Skeleton active />
      ) : notices.error !== null ? (
        <Alert type="error" showIcon title={errorText(notices.error, i18n)} />
      ) : notices.data.items.length === 0 ? (
        <Empty description={t('notices.none')} />
      ) : (
        <>
          {notices.data.unread > 0 && (
            <Typography.Paragraph type="secondary" data-testid="notices-unread">
              {t('notices.unreadCount', { n: notices.data.unread })}
            </Typography.Paragraph>
          )}
          <List
            dataSource={notices.data.items}
            renderItem={(n) => (
              <Link to={`/m/notices/${n.id}`} data-testid="notice-item" data-title={n.title} data-read={n.isRead}>
                <Card size="small" hoverable style={{ marginBottom: 8 }}>
                  <Flex justify="space-between" align="start" gap={8}>
                    <Badge dot={!n.isRead}>
                      <Typography.Text strong={!n.isRead}>{n.title}</Typography.Text>
                    </Badge>
                    <Tag color={n.isRead ? 'default' : 'blue'}>{t(n.isRead ? 'notices.read' : 'notices.unread')}</Tag>
                  </Flex>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('notices.from', { org: n.orgName, time: shortTime(n.sentAt, i18n.lang) })}
                  </Typography.Text>
                </Card>
              </Link>
            )}
          />
        </>
      )}
    </PhoneLayout>
  );
}

function AskForm({ noticeId }: { noticeId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const ask = useAsk(noticeId);
  const [form] = Form.useForm<{ body: string }>();
  return (
    <Card size="small" title={t('notices.ask')} style={{ marginBottom: 12 }}>
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        onValuesChange={clearErrorsOnChange(form)}
        onFinish={(values) =>
          void ask.mutateAsync(values.body).then(
            () => {
              void message.success(t('notices.asked'));
              form.resetFields();
            },
            (e: unknown) => {
              if (!showFieldErrors(form, e, i18n, ['body'])) void message.error(errorText(e, i18n));
            },
          )
        }
      >
        <Form.Item name="body" rules={[{ required: true, whitespace: true, message: t('notices.askRequired') }]}>
          <Input.TextArea
            rows={3}
            maxLength={1000}
            placeholder={t('notices.askPlaceholder')}
            data-testid="notice-ask-body"
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={ask.isPending} data-testid="notice-ask-submit">
          {t('notices.askSubmit')}
        </Button>
      </Form>
    </Card>
  );
}

function NoticeView({ notice }: { notice: MyNotice }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Typography.Title level={5} style={{ marginTop: 0 }} data-testid="notice-title">
          {notice.title}
        </Typography.Title>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('notices.from', { org: notice.orgName, time: shortTime(notice.sentAt, i18n.lang) })}
        </Typography.Text>
        {notice.isRead && (
          <div>
            <Tag color="green" style={{ marginTop: 6 }} data-testid="notice-read">
              {t('notices.readRecorded')}
            </Tag>
          </div>
        )}
      </Card>
      {notice.explainer !== null && (
        <Card
          size="small"
          title={t('notices.explainer')}
          style={{ marginBottom: 12, background: '#f6ffed' }}
          data-testid="notice-explainer"
        >
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{notice.explainer}</Typography.Paragraph>
        </Card>
      )}
      <Card size="small" title={t('notices.body')} style={{ marginBottom: 12 }} data-testid="notice-body">
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{notice.body}</Typography.Paragraph>
      </Card>
      {notice.attachments.length > 0 && (
        <Card size="small" title={t('notices.attachments')} style={{ marginBottom: 12 }}>
          {notice.attachments.map((a) => (
            <div key={a.id}>
              <a href={attachmentUrl(notice.id, a.id)} target="_blank" rel="noreferrer" data-testid="notice-attachment">
                <PaperClipOutlined /> {a.name}
              </a>
            </div>
          ))}
        </Card>
      )}
      {notice.faq.length > 0 && (
        <Card size="small" title={t('notices.faq')} style={{ marginBottom: 12 }}>
          <List
            size="small"
            dataSource={notice.faq}
            renderItem={(f) => (
              <List.Item data-testid="notice-faq">
                <List.Item.Meta title={f.question} description={f.answer} />
              </List.Item>
            )}
          />
        </Card>
      )}
      {notice.myQuestions.length > 0 && (
        <Card size="small" title={t('notices.myQuestions')} style={{ marginBottom: 12 }}>
          <List
            size="small"
            dataSource={notice.myQuestions}
            renderItem={(q) => (
              <List.Item data-testid="notice-my-question">
                <List.Item.Meta
                  title={q.body}
                  description={
                    q.answer === null ? (
                      <Tag>{t('notices.waiting')}</Tag>
                    ) : (
                      <>
                        {q.answer}
                        {!q.isPublic && <div className="tz-meta">{t('notices.answerPrivate')}</div>}
                      </>
                    )
                  }
                />
              </List.Item>
            )}
          />
        </Card>
      )}
      <AskForm noticeId={notice.id} />
    </>
  );
}

/** One notice: opening it sends her read receipt; the explainer comes before the official text. */
export function NoticePage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { id = '' } = useParams();
  const notice = useMyNotice(id);
  const markRead = useMarkRead(id);
  const isUnread = notice.data?.isRead === false;
  const { mutate } = markRead;
  useEffect(() => {
    if (isUnread) mutate();
  }, [isUnread, mutate]);
  return (
    <PhoneLayout title={t('notices.title')} back="/m/notices">
      {notice.isPending ? (
        <Skeleton active />
      ) : notice.error !== null ? (
        <Alert type="error" showIcon title={errorText(notice.error, i18n)} />
      ) : (
        <>
          {markRead.error !== null && (
            <Alert type="error" showIcon title={errorText(markRead.error, i18n)} style={{ marginBottom: 12 }} />
          )}
          <NoticeView notice={notice.data} />
        </>
      )}
    </PhoneLayout>
  );
}
