import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Flex, Result, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import type { ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { ApiKeysPage } from '../features/apikeys/ApiKeysPage';
import { AuditPage } from '../features/audit/AuditPage';
import { ChangePasswordPage } from '../features/auth/ChangePasswordPage';
import { LoginPage } from '../features/auth/LoginPage';
import { CaseDetailPage } from '../features/cases/CaseDetailPage';
import { CasesPage } from '../features/cases/CasesPage';
import { LazyRatesPage } from '../features/cases/LazyRatesPage';
import { DutiesPage } from '../features/duties/DutiesPage';
import { CoveragePage } from '../features/fieldwork/CoveragePage';
import { HouseholdChangesPage } from '../features/fieldwork/HouseholdChangesPage';
import { LinkagePage } from '../features/fieldwork/LinkagePage';
import { VisitPoliciesPage } from '../features/fieldwork/VisitPoliciesPage';
import { LazyBigScreenPage, LazyBurdenPage, LazyInsightsPage } from '../features/insights/LazyPages';
import { OrgPage } from '../features/orgs/OrgPage';
import { CareTagsPage } from '../features/registry/CareTagsPage';
import { MoveRequestsPage } from '../features/registry/MoveRequestsPage';
import { GridHouseholdsPage } from '../features/registry/GridHouseholdsPage';
import { HouseholdsPage } from '../features/registry/HouseholdsPage';
import { ImportPage } from '../features/registry/ImportPage';
import { ResidentSearchPage } from '../features/registry/ResidentSearchPage';
import { ReportsPage } from '../features/reports/ReportsPage';
import { TemplateBuilderPage } from '../features/reports/TemplateBuilderPage';
import { TasksPage } from '../features/tasks/TasksPage';
import { UsersPage } from '../features/users/UsersPage';
import { WorkbenchPage } from '../features/workbench/WorkbenchPage';
import { ConsoleUnlessResident, PhoneRoutes } from '../../mobile/cases/routes';
import { FieldGate } from '../../mobile/field/routes';
import { AuthProvider, useAuth } from './auth';
import { I18nProvider, useI18n } from './i18n';
import { prefersReducedMotion } from './motion';
import { isShown, SECTIONS, Shell } from './Shell';

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 30_000 } },
});

function Guarded({ permission, children }: { permission: string; children: ReactNode }) {
  const { can } = useAuth();
  return can(permission) ? children : <Navigate to="/" replace />;
}

function HomeRedirect() {
  const { me, can } = useAuth();
  const { t } = useI18n();
  // the workbench needs no permission of its own: one who holds none has nothing to land on
  const first = me === null || me.permissions.length === 0 ? undefined : SECTIONS.find(isShown(can));
  return first ? <Navigate to={first.path} replace /> : <Result status="info" title={t('app.noAccess')} />;
}

/** Decides what the whole window shows: sign-in, the forced password change, or the console. */
function Gate() {
  const { me, isLoading } = useAuth();
  const { t } = useI18n();
  const { pathname } = useLocation();
  // the grid worker's app works offline, so it decides about sign-in itself
  if (pathname === '/m/field' || pathname.startsWith('/m/field/')) return <FieldGate />;
  if (isLoading) {
    return (
      <Flex align="center" justify="center" style={{ height: '100vh' }}>
        <Spin size="large" description={t('app.loading')} />
      </Flex>
    );
  }
  if (me === null) return <LoginPage />;
  if (me.mustChangePassword) return <ChangePasswordPage />;
  return (
    <Routes>
      <Route path="/m/households" element={<Guarded permission="resident.read" children={<GridHouseholdsPage />} />} />
      <Route path="/m/*" element={<Guarded permission="case.report" children={<PhoneRoutes />} />} />
      <Route path="/screen/:orgId?" element={<Guarded permission="insight.read" children={<LazyBigScreenPage />} />} />
      {/* signed in at a bookmarked /login: go where this user starts */}
      <Route path="/login" element={<Navigate to="/" replace />} />
      <Route path="*" element={<ConsoleUnlessResident children={<ConsoleRoutes />} />} />
    </Routes>
  );
}

/** The desktop console: the shell with its menu around one section. */
function ConsoleRoutes() {
  const { t } = useI18n();
  return (
    <Shell>
      <Routes>
        <Route path="/" element={<HomeRedirect />} />
        <Route path="/workbench" element={<WorkbenchPage />} />
        <Route path="/orgs/:orgId?" element={<Guarded permission="org.read" children={<OrgPage />} />} />
        <Route
          path="/registry/households/:orgId?"
          element={<Guarded permission="resident.read" children={<HouseholdsPage />} />}
        />
        <Route
          path="/registry/residents"
          element={<Guarded permission="resident.read" children={<ResidentSearchPage />} />}
        />
        <Route path="/registry/imports" element={<Guarded permission="resident.import" children={<ImportPage />} />} />
        <Route
          path="/registry/move-requests"
          element={<Guarded permission="resident.write" children={<MoveRequestsPage />} />}
        />
        <Route
          path="/registry/care-tags"
          element={<Guarded permission="caretag.manage" children={<CareTagsPage />} />}
        />
        <Route path="/cases" element={<Guarded permission="case.read" children={<CasesPage />} />} />
        <Route path="/cases/rates" element={<Guarded permission="case.read" children={<LazyRatesPage />} />} />
        <Route path="/cases/:id" element={<Guarded permission="case.read" children={<CaseDetailPage />} />} />
        <Route path="/duties" element={<DutiesPage />} />
        <Route path="/fieldwork/coverage" element={<Guarded permission="visit.read" children={<CoveragePage />} />} />
        <Route path="/fieldwork/linkage" element={<Guarded permission="visit.read" children={<LinkagePage />} />} />
        <Route
          path="/fieldwork/changes"
          element={<Guarded permission="household.change.apply" children={<HouseholdChangesPage />} />}
        />
        <Route
          path="/fieldwork/policies"
          element={<Guarded permission="visit.manage" children={<VisitPoliciesPage />} />}
        />
        <Route
          path="/insights/:orgId?"
          element={<Guarded permission="insight.read" children={<LazyInsightsPage />} />}
        />
        <Route path="/burden/:orgId?" element={<Guarded permission="insight.read" children={<LazyBurdenPage />} />} />
        <Route path="/reports" element={<Guarded permission="report.generate" children={<ReportsPage />} />} />
        <Route
          path="/reports/templates/:id"
          element={<Guarded permission="report.template" children={<TemplateBuilderPage />} />}
        />
        <Route path="/tasks" element={<TasksPage />} />
        <Route path="/users" element={<Guarded permission="user.read" children={<UsersPage />} />} />
        <Route path="/audit" element={<Guarded permission="audit.read" children={<AuditPage />} />} />
        <Route path="/apikeys" element={<Guarded permission="apikey.own" children={<ApiKeysPage />} />} />
        <Route path="*" element={<Result status="404" title={t('app.notFound')} />} />
      </Routes>
    </Shell>
  );
}

function Localized({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      theme={{ token: { borderRadius: 6, motion: !prefersReducedMotion } }}
    >
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

export function ConsoleApp() {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <Localized>
          <BrowserRouter>
            <AuthProvider>
              <Gate />
            </AuthProvider>
          </BrowserRouter>
        </Localized>
      </I18nProvider>
    </QueryClientProvider>
  );
}
