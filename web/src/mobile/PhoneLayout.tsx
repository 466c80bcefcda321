import { BellOutlined, FileTextOutlined, LogoutOutlined, PlusOutlined, UserOutlined } from '@ant-design/icons';
import { Badge, Button } from 'antd';
import type { ReactNode } from 'react';
import { NavLink } from 'react-router-dom';
import { useAuth } from '../shared/auth';
import { useElderMode } from './elder/elder-mode';
import { useI18n } from './i18n';
import { useNotifications } from './cases/api';
import { PhoneHeader } from './PhoneHeader';
import './mobile.css';

interface PhoneLayoutProps {
  title: string;
  /** where the back arrow leads; no arrow on the top-level pages */
  back?: string;
  children: ReactNode;
}

/** The resident's phone frame: a title bar, the page, and a tab bar at the thumb. */
export function PhoneLayout({ title, back, children }: PhoneLayoutProps) {
  const { t } = useI18n();
  const { logout } = useAuth();
  // in elder mode no icon goes without its word
  const isElder = useElderMode();
  const unread = useNotifications().data?.unread ?? 0;

  return (
    <div className="tz-m tz-phone">
      <PhoneHeader
        title={title}
        back={back}
        actions={
          <Button
            type="text"
            className="tz-header-button"
            icon={isElder ? undefined : <LogoutOutlined />}
            aria-label={t('app.logout')}
            onClick={() => void logout()}
          >
            {isElder && t('app.logout')}
          </Button>
        }
      />
      <main className="tz-m-body tz-phone-body">{children}</main>
      <nav className="tz-phone-tabs" aria-label={t('phone.brand')}>
        <NavLink to="/m/cases" end className="tz-phone-tab">
          <span className="tz-phone-tab-icon">
            <FileTextOutlined />
          </span>
          <span>{t('phone.tab.cases')}</span>
        </NavLink>
        <NavLink to="/m/cases/new" className="tz-phone-tab">
          <span className="tz-phone-tab-icon">
            <span className="tz-phone-tab-plus">
              <PlusOutlined />
            </span>
          </span>
          <span>{t('phone.tab.new')}</span>
        </NavLink>
        <NavLink to="/m/notifications" className="tz-phone-tab" data-testid="tab-notifications">
          <span className="tz-phone-tab-icon">
            <Badge count={unread} size="small" offset={[4, 0]} data-testid="unread-badge">
              <BellOutlined style={{ fontSize: 21, color: 'inherit' }} />
            </Badge>
          </span>
          <span>{t('phone.tab.notifications')}</span>
        </NavLink>
        <NavLink to="/m/me" className="tz-phone-tab" data-testid="tab-me">
          <span className="tz-phone-tab-icon">
            <UserOutlined />
          </span>
          <span>{t('account.tab.me')}</span>
        </NavLink>
      </nav>
    </div>
  );
}
