import { CanteenPage } from '../features/canteen/CanteenPage';
import { Flex, Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { ApiKeysPage } from '../features/apikeys/ApiKeysPage';
import { AuditPage } from '../features/audit/AuditPage';
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
import { BindingRequestsPage } from '../features/residents/BindingRequestsPage';
import { HouseholdsPage } from '../features/registry/HouseholdsPage';
import { ImportPage } from '../features/registry/ImportPage';
import { ResidentSearchPage } from '../features/registry/ResidentSearchPage';
import { ReportsPage } from '../features/reports/ReportsPage';
import { TemplateBuilderPage } from '../features/reports/TemplateBuilderPage';
import { TasksPage } from '../features/tasks/TasksPage';
import { UsersPage } from '../features/users/UsersPage';
import { WorkbenchPage } from '../features/workbench/WorkbenchPage';
import { CouncilsPage } from '../features/councils/CouncilsPage';
import { HotlinePage } from '../features/webhooks/HotlinePage';
import { WebhooksPage } from '../features/webhooks/WebhooksPage';
import { NoticesPage } from '../features/notices/NoticesPage';
import { PointsPage } from '../features/points/PointsPage';
import { VenuesPage } from '../features/venues/VenuesPage';
import { PartyPage } from '../features/party/PartyPage';
import { FundsPage } from '../features/funds/FundsPage';
import { useAuth } from '../../shared/auth';
import { AppFrame } from '../../shared/AppFrame';
import { RedirectToOtherApp } from '../../shared/navigation';
import { isFieldWorkOnly, isResidentOnly, isShown, SECTIONS } from '../../shared/sections';
import { ChangePasswordPage } from '../../shared/sign-in/ChangePasswordPage';
import { LoginPage } from '../../shared/sign-in/LoginPage';
import { useI18n } from './i18n';
import { messages } from './messages';
import { Shell } from './Shell';

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
      <Route path="/screen/:orgId?" element={<Guarded permission="insight.read" children={<LazyBigScreenPage />} />} />
      {/* signed in at a bookmarked /login: go where this user starts */}
      <Route path="/login" element={<Navigate to="/" replace />} />
      <Route path="*" element={<ConsoleUnlessResident children={<ConsoleRoutes />} />} />
    </Routes>
  );
}

/**
 * A resident has no work here: wherever she lands after signing in, she goes to her cases in the phone
 * app. A grid worker on her phone starts on the field app; at a desk she gets the console, the phone
 * app one click away. Everyone else gets the console.
 */
function ConsoleUnlessResident({ children }: { children: ReactNode }) {
  const { me, can } = useAuth();
  const { pathname } = useLocation();
  if (isResidentOnly(can)) return <RedirectToOtherApp path="/m/cases" />;
  const isPhone = window.matchMedia('(max-width: 767px)').matches;
  if (pathname === '/' && me !== null && isPhone && isFieldWorkOnly(me)) return <RedirectToOtherApp path="/m/field" />;
  return children;
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
          path="/registry/resident-bindings"
          element={<Guarded permission="resident.write" children={<BindingRequestsPage />} />}
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
        <Route path="/webhooks" element={<Guarded permission="webhook.manage" children={<WebhooksPage />} />} />
        <Route path="/canteen" element={<Guarded permission="canteen.read" children={<CanteenPage />} />} />
        <Route path="/councils" element={<Guarded permission="council.manage" children={<CouncilsPage />} />} />
        <Route path="/points" element={<Guarded permission="points.manage" children={<PointsPage />} />} />
        <Route path="/venues" element={<Guarded permission="venue.manage" children={<VenuesPage />} />} />
        <Route path="/party" element={<Guarded permission="party.manage" children={<PartyPage />} />} />
        <Route path="/funds" element={<Guarded permission="fund.read" children={<FundsPage />} />} />
        <Route path="/hotline" element={<Guarded permission="case.intake" children={<HotlinePage />} />} />
        <Route path="/notices" element={<Guarded permission="notice.read" children={<NoticesPage />} />} />
        <Route path="*" element={<Result status="404" title={t('app.notFound')} />} />
      </Routes>
    </Shell>
  );
}

/** The desktop console (index.html); the phone pages under /m/ are the other app (mobile/App.tsx). */
export function ConsoleApp() {
  return (
    <AppFrame messages={messages}>
      <Gate />
    </AppFrame>
  );
}
