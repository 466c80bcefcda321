import {
  ApartmentOutlined,
  AuditOutlined,
  BarChartOutlined,
  CheckSquareOutlined,
  CloudUploadOutlined,
  DashboardOutlined,
  FieldTimeOutlined,
  FileProtectOutlined,
  FileSyncOutlined,
  FundOutlined,
  HomeOutlined,
  KeyOutlined,
  LinkOutlined,
  LogoutOutlined,
  MobileOutlined,
  PieChartOutlined,
  SolutionOutlined,
  TableOutlined,
  SearchOutlined,
  TagsOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Button, Flex, Layout, Menu, Modal, Typography, type MenuProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { ChangePasswordPage } from '../features/auth/ChangePasswordPage';
import { NotificationBell } from '../features/cases/NotificationBell';
import { useAuth } from './auth';
import { BrandMark } from './BrandMark';
import { useI18n } from './i18n';
import { LanguageSwitch } from './LanguageSwitch';
import type { MessageKey } from './messages';

export interface Section {
  path: string;
  label: MessageKey;
  /** absent: shown to everyone signed in */
  permission?: string;
  /** hidden from holders of this permission (who have a fuller page for the same thing) */
  hiddenWith?: string;
  icon: ReactNode;
}

/** The side menu: each section and the permission that shows it. */
export const SECTIONS: Section[] = [
  { path: '/orgs', label: 'nav.orgs', permission: 'org.read', icon: <ApartmentOutlined /> },
  { path: '/cases', label: 'nav.cases', permission: 'case.read', icon: <SolutionOutlined /> },
  { path: '/cases/rates', label: 'nav.caseRates', permission: 'case.read', icon: <BarChartOutlined /> },
  { path: '/insights', label: 'nav.insights', permission: 'insight.read', icon: <DashboardOutlined /> },
  { path: '/reports', label: 'nav.reports', permission: 'report.generate', icon: <TableOutlined /> },
  { path: '/tasks', label: 'nav.tasks', permission: 'task.read', icon: <CheckSquareOutlined /> },
  // departments send tasks but do not receive them
  {
    path: '/tasks',
    label: 'nav.tasks',
    permission: 'task.send',
    hiddenWith: 'task.read',
    icon: <CheckSquareOutlined />,
  },
  { path: '/burden', label: 'nav.burden', permission: 'insight.read', icon: <FundOutlined /> },
  { path: '/registry/households', label: 'nav.households', permission: 'resident.read', icon: <HomeOutlined /> },
  { path: '/registry/residents', label: 'nav.residents', permission: 'resident.read', icon: <SearchOutlined /> },
  { path: '/registry/imports', label: 'nav.imports', permission: 'resident.import', icon: <CloudUploadOutlined /> },
  { path: '/registry/care-tags', label: 'nav.careTags', permission: 'caretag.manage', icon: <TagsOutlined /> },
  { path: '/fieldwork/coverage', label: 'nav.fieldworkCoverage', permission: 'visit.read', icon: <PieChartOutlined /> },
  { path: '/fieldwork/linkage', label: 'nav.fieldworkLinkage', permission: 'visit.read', icon: <LinkOutlined /> },
  {
    path: '/fieldwork/changes',
    label: 'nav.fieldworkChanges',
    permission: 'household.change.apply',
    icon: <FileSyncOutlined />,
  },
  {
    path: '/fieldwork/policies',
    label: 'nav.fieldworkPolicies',
    permission: 'visit.manage',
    icon: <FieldTimeOutlined />,
  },
  { path: '/m/field', label: 'nav.fieldworkPhone', permission: 'visit.record', icon: <MobileOutlined /> },
  {
    path: '/m/households',
    label: 'nav.gridHouseholds',
    permission: 'resident.read',
    hiddenWith: 'resident.write',
    icon: <MobileOutlined />,
  },
  { path: '/duties', label: 'nav.duties', icon: <FileProtectOutlined /> },
  { path: '/users', label: 'nav.users', permission: 'user.read', icon: <TeamOutlined /> },
  { path: '/audit', label: 'nav.audit', permission: 'audit.read', icon: <AuditOutlined /> },
  { path: '/apikeys', label: 'nav.apikeys', permission: 'apikey.own', icon: <KeyOutlined /> },
];

/** Whether a section belongs in the menu of a user with these permissions. */
export const isShown = (can: (permission: string) => boolean) => (s: Section) =>
  (s.permission === undefined || can(s.permission)) && (s.hiddenWith === undefined || !can(s.hiddenWith));

export function Shell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { me, can, logout } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [isPasswordOpen, setPasswordOpen] = useState(false);

  const items: MenuProps['items'] = SECTIONS.filter(isShown(can)).map((s) => ({
    key: s.path,
    icon: s.icon,
    label: t(s.label),
  }));
  // the longest matching path, so that /cases/rates is not taken for /cases
  const selected = SECTIONS.filter((s) => location.pathname.startsWith(s.path)).sort(
    (a, b) => b.path.length - a.path.length,
  )[0]?.path;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="tz-header">
        <Flex align="center" gap={10}>
          <BrandMark />
          <Typography.Text strong style={{ color: '#fff', fontSize: 18 }}>
            {t('app.name')}
          </Typography.Text>
          <Typography.Text style={{ color: 'rgba(255,255,255,0.65)' }}>{t('app.subtitle')}</Typography.Text>
        </Flex>
        <Flex align="center" gap={16}>
          <NotificationBell />
          <LanguageSwitch />
          <Button
            type="text"
            icon={<UserOutlined />}
            className="tz-header-button"
            onClick={() => setPasswordOpen(true)}
            title={t('app.changePassword')}
            data-testid="current-user"
          >
            {me?.displayName}
          </Button>
          <Button type="text" icon={<LogoutOutlined />} className="tz-header-button" onClick={() => void logout()}>
            {t('app.logout')}
          </Button>
        </Flex>
      </Layout.Header>
      <Layout>
        <Layout.Sider width={208} theme="light" className="tz-sider">
          <Menu
            mode="inline"
            selectedKeys={selected === undefined ? [] : [selected]}
            items={items}
            onClick={({ key }) => void navigate(key)}
            style={{ borderInlineEnd: 'none', paddingTop: 8 }}
          />
        </Layout.Sider>
        <Layout.Content className="tz-content">{children}</Layout.Content>
      </Layout>
      <Modal
        title={t('password.title')}
        open={isPasswordOpen}
        footer={null}
        onCancel={() => setPasswordOpen(false)}
        destroyOnHidden
      >
        <ChangePasswordPage onDone={() => setPasswordOpen(false)} />
      </Modal>
    </Layout>
  );
}
