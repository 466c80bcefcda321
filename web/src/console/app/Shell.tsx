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
  ScheduleOutlined,
  SolutionOutlined,
  TableOutlined,
  SearchOutlined,
  SwapOutlined,
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

export type SectionGroup = 'home' | 'registry' | 'cases' | 'fieldwork' | 'insights' | 'system';

/** The menu's groups, in the order of the work: today's to-do list, the ledger, residents' requests, visits, figures, the system. */
const GROUPS: { id: SectionGroup; label: MessageKey }[] = [
  { id: 'home', label: 'nav.group.home' },
  { id: 'registry', label: 'nav.group.registry' },
  { id: 'cases', label: 'nav.group.cases' },
  { id: 'fieldwork', label: 'nav.group.fieldwork' },
  { id: 'insights', label: 'nav.group.insights' },
  { id: 'system', label: 'nav.group.system' },
];

export interface Section {
  path: string;
  group: SectionGroup;
  label: MessageKey;
  /** absent: shown to everyone signed in */
  permission?: string;
  /** hidden from holders of this permission (who have a fuller page for the same thing) */
  hiddenWith?: string;
  icon: ReactNode;
}

/** The side menu: each section and the permission that shows it; the first shown is where sign-in lands. */
export const SECTIONS: Section[] = [
  // every staff role starts the day on her to-do list
  { path: '/workbench', group: 'home', label: 'nav.workbench', icon: <ScheduleOutlined /> },
  { path: '/orgs', group: 'registry', label: 'nav.orgs', permission: 'org.read', icon: <ApartmentOutlined /> },
  { path: '/cases', group: 'cases', label: 'nav.cases', permission: 'case.read', icon: <SolutionOutlined /> },
  { path: '/cases/rates', group: 'cases', label: 'nav.caseRates', permission: 'case.read', icon: <BarChartOutlined /> },
  {
    path: '/insights',
    group: 'insights',
    label: 'nav.insights',
    permission: 'insight.read',
    icon: <DashboardOutlined />,
  },
  { path: '/reports', group: 'insights', label: 'nav.reports', permission: 'report.generate', icon: <TableOutlined /> },
  { path: '/tasks', group: 'insights', label: 'nav.tasks', permission: 'task.read', icon: <CheckSquareOutlined /> },
  // departments send tasks but do not receive them
  {
    path: '/tasks',
    group: 'insights',
    label: 'nav.tasks',
    permission: 'task.send',
    hiddenWith: 'task.read',
    icon: <CheckSquareOutlined />,
  },
  { path: '/burden', group: 'insights', label: 'nav.burden', permission: 'insight.read', icon: <FundOutlined /> },
  {
    path: '/registry/households',
    group: 'registry',
    label: 'nav.households',
    permission: 'resident.read',
    icon: <HomeOutlined />,
  },
  {
    path: '/registry/residents',
    group: 'registry',
    label: 'nav.residents',
    permission: 'resident.read',
    icon: <SearchOutlined />,
  },
  {
    path: '/registry/imports',
    group: 'registry',
    label: 'nav.imports',
    permission: 'resident.import',
    icon: <CloudUploadOutlined />,
  },
  {
    path: '/registry/move-requests',
    group: 'registry',
    label: 'nav.moveRequests',
    permission: 'resident.write',
    icon: <SwapOutlined />,
  },
  {
    path: '/registry/care-tags',
    group: 'registry',
    label: 'nav.careTags',
    permission: 'caretag.manage',
    icon: <TagsOutlined />,
  },
  {
    path: '/fieldwork/coverage',
    group: 'fieldwork',
    label: 'nav.fieldworkCoverage',
    permission: 'visit.read',
    icon: <PieChartOutlined />,
  },
  {
    path: '/fieldwork/linkage',
    group: 'fieldwork',
    label: 'nav.fieldworkLinkage',
    permission: 'visit.read',
    icon: <LinkOutlined />,
  },
  {
    path: '/fieldwork/changes',
    group: 'fieldwork',
    label: 'nav.fieldworkChanges',
    permission: 'household.change.apply',
    icon: <FileSyncOutlined />,
  },
  {
    path: '/fieldwork/policies',
    group: 'fieldwork',
    label: 'nav.fieldworkPolicies',
    permission: 'visit.manage',
    icon: <FieldTimeOutlined />,
  },
  {
    path: '/m/field',
    group: 'fieldwork',
    label: 'nav.fieldworkPhone',
    permission: 'visit.record',
    icon: <MobileOutlined />,
  },
  {
    path: '/m/households',
    group: 'fieldwork',
    label: 'nav.gridHouseholds',
    permission: 'resident.read',
    hiddenWith: 'resident.write',
    icon: <MobileOutlined />,
  },
  { path: '/duties', group: 'cases', label: 'nav.duties', icon: <FileProtectOutlined /> },
  { path: '/users', group: 'system', label: 'nav.users', permission: 'user.read', icon: <TeamOutlined /> },
  { path: '/audit', group: 'system', label: 'nav.audit', permission: 'audit.read', icon: <AuditOutlined /> },
  { path: '/apikeys', group: 'system', label: 'nav.apikeys', permission: 'apikey.own', icon: <KeyOutlined /> },
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

  const shown = SECTIONS.filter(isShown(can));
  const items: MenuProps['items'] = GROUPS.map((g) => ({
    type: 'group' as const,
    key: g.id,
    label: t(g.label),
    children: shown.filter((s) => s.group === g.id).map((s) => ({ key: s.path, icon: s.icon, label: t(s.label) })),
  })).filter((g) => g.children.length > 0);
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
