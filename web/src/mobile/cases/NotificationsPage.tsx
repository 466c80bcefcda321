import { CheckOutlined, SettingOutlined } from '@ant-design/icons';
import { Alert, Button, Drawer, Empty, Flex, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorText } from '../../shared/errors';
import { MessageSettings } from '../../shared/inbox/MessageSettings';
import { useI18n } from '../i18n';
import { PhoneLayout } from '../PhoneLayout';
import { useMarkRead, useNotifications } from './api';
import { shortTime } from './time';

/**
 * 消息: her messages from the one outbox (progress, replies, requests to rate); tapping one marks it read
 * and opens its case. 消息设置 chooses the channels of each kind and her quiet hours.
 */
export function NotificationsPage() {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const navigate = useNavigate();
  const notifications = useNotifications();
  const markRead = useMarkRead();
  const unread = notifications.data?.unread ?? 0;
  const [isSettingsOpen, setSettingsOpen] = useState(false);

  return (
    <PhoneLayout title={t('phone.notifications.title')}>
      <Flex justify="space-between" align="center" style={{ marginBottom: 10, minHeight: 32 }}>
        <Typography.Text type="secondary">
          {unread > 0 && `${t('phone.notifications.unread')} ${unread}`}
        </Typography.Text>
        <Flex>
          {unread > 0 && (
            <Button
              type="link"
              icon={<CheckOutlined />}
              loading={markRead.isPending && markRead.variables === undefined}
              onClick={() => markRead.mutate(undefined)}
            >
              {t('phone.notifications.readAll')}
            </Button>
          )}
          <Button
            type="link"
            icon={<SettingOutlined />}
            onClick={() => setSettingsOpen(true)}
            data-testid="open-message-settings"
          >
            {t('inbox.settings')}
          </Button>
        </Flex>
      </Flex>
      <Drawer
        open={isSettingsOpen}
        onClose={() => setSettingsOpen(false)}
        title={t('inbox.settings')}
        placement="bottom"
        size="large"
        destroyOnHidden
      >
        <MessageSettings audience="resident" />
      </Drawer>
      {notifications.error !== null && <Alert type="error" showIcon title={errorText(notifications.error, i18n)} />}
      {notifications.isPending && <Skeleton active paragraph={{ rows: 6 }} />}
      {notifications.data?.items.length === 0 && (
        <Empty description={t('phone.notifications.empty')} style={{ marginTop: 48 }} />
      )}
      <Flex vertical gap={8} data-testid="notifications">
        {notifications.data?.items.map((n) => (
          <button
            key={n.id}
            type="button"
            className={`tz-notice${n.isRead ? ' is-read' : ''}`}
            data-testid="notification"
            data-read={n.isRead}
            onClick={() => {
              if (!n.isRead) markRead.mutate([n.id]);
              if (n.caseId !== null) void navigate(`/m/cases/${n.caseId}`);
            }}
          >
            <span className="tz-notice-dot" aria-label={n.isRead ? undefined : t('phone.notifications.unread')} />
            <span style={{ flex: 1, minWidth: 0 }}>
              <span style={{ display: 'block', fontWeight: n.isRead ? 400 : 500 }}>
                {lang === 'zh' ? n.title : n.titleEn}
              </span>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {shortTime(n.createdAt, lang)}
              </Typography.Text>
            </span>
          </button>
        ))}
      </Flex>
    </PhoneLayout>
  );
}
