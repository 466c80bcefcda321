import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Badge, Button, Empty, Flex, Popover, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import relativeTime from 'dayjs/plugin/relativeTime';
import { api, unwrap } from '../../../api/client';
import type { Notification } from '../../../api/types';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { dayjs, formatTime } from '../../../shared/time';
import './cases.css';
import { notificationKeys, useNotifications } from './queries';

dayjs.extend(relativeTime);

/** The bell in the header: unread count, the latest notifications linking to their cases, mark read. */
export function NotificationBell() {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [isOpen, setOpen] = useState(false);
  const list = useNotifications();
  const unread = list.data?.unread ?? 0;
  const items = list.data?.items ?? [];

  const markRead = useMutation({
    mutationFn: (ids: string[] | undefined) =>
      unwrap(api.POST('/api/v1/notifications/read', { body: ids === undefined ? {} : { ids } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
    onError: (error) => void message.error(errorText(error, i18n)),
  });

  const open = (n: Notification) => {
    if (!n.isRead) markRead.mutate([n.id]);
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
            onClick={() => markRead.mutate(undefined)}
            data-testid="notifications-read-all"
          >
            {t('notifications.readAll')}
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
  );
}
