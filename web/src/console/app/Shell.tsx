import { ShopOutlined } from '@ant-design/icons';
import {
  CommentOutlined,
  FlagOutlined,
  GiftOutlined,
  AccountBookOutlined,
  BankOutlined,
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
  NotificationOutlined,
  PhoneOutlined,
  PieChartOutlined,
  ScheduleOutlined,
  SolutionOutlined,
  TableOutlined,
  SearchOutlined,
  SendOutlined,
  SwapOutlined,
  IdcardOutlined,
  TagsOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Button, Flex, Layout, Menu, Modal, Typography, type MenuProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { NotificationBell } from '../features/cases/NotificationBell';
import { useAuth } from '../../shared/auth';
import { BrandMark } from '../../shared/BrandMark';
import { LanguageSwitch } from '../../shared/LanguageSwitch';
import { isShown, SECTIONS, type SectionGroup } from '../../shared/sections';
import { ChangePasswordPage } from '../../shared/sign-in/ChangePasswordPage';
import { useI18n } from './i18n';
import type { MessageKey } from './messages';

/** The menu's groups, in the order of the work: today's to-do list, the ledger, residents' requests, visits, figures, the system. */
const GROUPS: { id: SectionGroup; label: MessageKey }[] = [
  { id: 'home', label: 'nav.group.home' },
  { id: 'registry', label: 'nav.group.registry' },
  { id: 'cases', label: 'nav.group.cases' },
  { id: 'fieldwork', label: 'nav.group.fieldwork' },
  { id: 'insights', label: 'nav.group.insights' },
  { id: 'system', label: 'nav.group.system' },
];

/** The icon of each section of the menu (the sections themselves: shared/sections.ts). */
const ICONS: Record<(typeof SECTIONS)[number]['path'], ReactNode> = {
  '/workbench': <ScheduleOutlined />,
  '/orgs': <ApartmentOutlined />,
  '/cases': <SolutionOutlined />,
  '/cases/rates': <BarChartOutlined />,
  '/insights': <DashboardOutlined />,
  '/reports': <TableOutlined />,
  '/tasks': <CheckSquareOutlined />,
  '/burden': <FundOutlined />,
  '/registry/households': <HomeOutlined />,
  '/registry/residents': <SearchOutlined />,
  '/registry/imports': <CloudUploadOutlined />,
  '/registry/move-requests': <SwapOutlined />,
  '/registry/resident-bindings': <IdcardOutlined />,
  '/registry/care-tags': <TagsOutlined />,
  '/fieldwork/coverage': <PieChartOutlined />,
  '/fieldwork/linkage': <LinkOutlined />,
  '/fieldwork/changes': <FileSyncOutlined />,
  '/fieldwork/policies': <FieldTimeOutlined />,
  '/m/field': <MobileOutlined />,
  '/m/households': <MobileOutlined />,
  '/duties': <FileProtectOutlined />,
  '/users': <TeamOutlined />,
  '/audit': <AuditOutlined />,
  '/apikeys': <KeyOutlined />,
  '/hotline': <PhoneOutlined />,
  '/webhooks': <SendOutlined />,
  '/notices': <NotificationOutlined />,
  '/councils': <CommentOutlined />,
  '/canteen': <ShopOutlined />,
  '/venues': <BankOutlined />,
  '/points': <GiftOutlined />,
  '/party': <FlagOutlined />,
  '/funds': <AccountBookOutlined />,
};

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
    children: shown
      .filter((s) => s.group === g.id)
      .map((s) => ({ key: s.path, icon: ICONS[s.path], label: t(s.label) })),
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
