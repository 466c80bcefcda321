import {
  BellOutlined,
  CloudSyncOutlined,
  DesktopOutlined,
  LogoutOutlined,
  NotificationOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { App, Badge, Button } from 'antd';
import type { ReactNode } from 'react';
import { NavLink, useNavigate } from 'react-router-dom';
import { useAuth } from '../../shared/auth';
import { openOtherApp } from '../../shared/navigation';
import { useI18n } from '../i18n';
import '../mobile.css';
import { PhoneHeader } from '../PhoneHeader';
import './field.css';
import { useField } from './FieldContext';
import { saveIdentity } from './store';
import { SyncBar } from './SyncBar';

interface FieldLayoutProps {
  title: string;
  /** where the back arrow leads; none on the top-level pages */
  back?: string;
  children: ReactNode;
}

/** The grid worker's phone frame: title, the sync state bar, the page, and the tab bar. */
export function FieldLayout({ title, back, children }: FieldLayoutProps) {
  const { t } = useI18n();
  const { logout } = useAuth();
  const { modal } = App.useApp();
  const { identity, syncState } = useField();
  const navigate = useNavigate();

  const signOut = () => {
    const leave = async () => {
      // the queue stays on the phone and goes out after her next sign-in
      await saveIdentity(null);
      await logout();
    };
    if (syncState.pending === 0) return void leave();
    modal.confirm({
      title: t('field.logout.title'),
      content: t('field.logout.pending', { n: syncState.pending }),
      okText: t('app.logout'),
      cancelText: t('common.cancel'),
      onOk: leave,
    });
  };

  return (
    <div className="tz-m tz-phone tz-field">
      <PhoneHeader
        title={title}
        back={back}
        actions={
          <>
            {/* notices sent to her by her role (说文解策), read online */}
            <Button
              type="text"
              className="tz-header-button"
              icon={<BellOutlined />}
              aria-label={t('field.notices')}
              data-testid="field-notices"
              onClick={() => void navigate('/m/notices')}
            />
            {identity.consolePath !== null && (
              <Button
                type="text"
                className="tz-header-button"
                icon={<DesktopOutlined />}
                aria-label={t('mobile.console')}
                onClick={() => openOtherApp(identity.consolePath ?? '/')}
              />
            )}
            <Button
              type="text"
              className="tz-header-button"
              icon={<LogoutOutlined />}
              aria-label={t('app.logout')}
              onClick={signOut}
            />
          </>
        }
      />
      <SyncBar />
      <main className="tz-m-body tz-phone-body">{children}</main>
      <nav className="tz-phone-tabs" aria-label={t('field.brand')}>
        <NavLink to="/m/field" end className="tz-phone-tab" data-testid="tab-today">
          <span className="tz-phone-tab-icon">
            <UnorderedListOutlined />
          </span>
          <span>{t('field.tab.today')}</span>
        </NavLink>
        <NavLink to="/m/field/report" className="tz-phone-tab" data-testid="tab-report">
          <span className="tz-phone-tab-icon">
            <NotificationOutlined />
          </span>
          <span>{t('field.tab.report')}</span>
        </NavLink>
        <NavLink to="/m/field/sync" className="tz-phone-tab" data-testid="tab-sync">
          <span className="tz-phone-tab-icon">
            <Badge count={syncState.pending} size="small" offset={[4, 0]} color="#fa8c16">
              <CloudSyncOutlined style={{ fontSize: 21, color: 'inherit' }} />
            </Badge>
          </span>
          <span>{t('field.tab.sync')}</span>
        </NavLink>
      </nav>
    </div>
  );
}
