import { BellOutlined, SettingOutlined } from '@ant-design/icons';
import { App, Badge, Button, Drawer, Empty, Flex, Popover, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import relativeTime from 'dayjs/plugin/relativeTime';
import { MessageSettings } from '../../../shared/inbox/MessageSettings';
import { type MyMessage, useMarkMessagesRead, useMyMessages } from '../../../shared/inbox/api';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { dayjs, formatTime } from '../../../shared/time';
import './cases.css';

dayjs.extend(relativeTime);

/**
 * The bell in the header: her messages from the one outbox (her units' case notices, task deadlines, the
 * daily digest), the unread count, each linking to its case, mark read; 消息设置 for channels and quiet hours.
 */
export function NotificationBell() {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [isOpen, setOpen] = useState(false);
  const [isSettingsOpen, setSettingsOpen] = useState(false);
  const list = useMyMessages(30_000);
  const unread = list.data?.unread ?? 0;
  const items = list.data?.items ?? [];

  const markRead = useMarkMessagesRead();
  const mark = (ids: string[] | undefined) =>
    markRead.mutate(ids, { onError: (error) => void message.error(errorText(error, i18n)) });

  const open = (n: MyMessage) => {
    if (!n.isRead) mark([n.id]);
    setOpen(false);
    if (n.caseId !== null) void navigate(`/cases/${n.caseId}`);
  };

  const content = (
    <div style={{ width: 360 }} data-testid="notification-list">
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} />
      ) : (
        <div style={{ maxHeight: 420, overflowY: 'auto', marginInline: -4 }}>
          {items.map((n) => (
            <div
              key={n.id}
              role="button"
              tabIndex={0}
              className={`tz-notification${n.isRead ? '' : ' is-unread'}`}
              onClick={() => open(n)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') open(n);
              }}
              data-testid="notification-item"
            >
              <Flex gap={8} align="start">
                <Badge status={n.isRead ? 'default' : 'processing'} style={{ marginTop: 2 }} />
                <Flex vertical style={{ minWidth: 0 }}>
                  <Typography.Text strong={!n.isRead}>{lang === 'zh' ? n.title : n.titleEn}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }} title={formatTime(n.createdAt)}>
                    {dayjs(n.createdAt).fromNow()}
                  </Typography.Text>
                </Flex>
              </Flex>
            </div>
          ))}
        </div>
      )}
    </div>
  );

  return (
    <>
      <Drawer
        open={isSettingsOpen}
        onClose={() => setSettingsOpen(false)}
        title={t('inbox.settings')}
        size={480}
        destroyOnHidden
      >
        <MessageSettings audience="staff" />
      </Drawer>
      <Popover
        open={isOpen}
        onOpenChange={setOpen}
        trigger="click"
        placement="bottomRight"
        title={
          <Flex justify="space-between" align="center">
            <span>{t('notifications.title')}</span>
            <Button
              type="link"
              size="small"
              disabled={unread === 0}
              loading={markRead.isPending}
              onClick={() => mark(undefined)}
              data-testid="notifications-read-all"
            >
              {t('notifications.readAll')}
            </Button>
            <Button
              type="link"
              size="small"
              icon={<SettingOutlined />}
              onClick={() => {
                setOpen(false);
                setSettingsOpen(true);
              }}
              data-testid="open-message-settings"
            >
              {t('inbox.settings')}
            </Button>
          </Flex>
        }
        content={content}
      >
        <Button
          type="text"
          className="tz-header-button"
          aria-label={t('notifications.title')}
          title={t('notifications.title')}
          data-testid="notification-bell"
        >
          <Badge count={unread} size="small" overflowCount={99} offset={[4, -2]}>
            <BellOutlined style={{ color: 'rgba(255,255,255,0.85)', fontSize: 17 }} />
          </Badge>
        </Button>
      </Popover>
    </>
  );
}
