import { Flex, Spin } from 'antd';
import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from '../shared/auth';
import { AppFrame } from '../shared/AppFrame';
import { RedirectToOtherApp } from '../shared/navigation';
import { ElderTheme } from './elder/ElderTheme';
import { messages, useI18n } from './i18n';

/*
 * Each part of the phone app is its own chunk, fetched when it is opened: a resident never downloads the
 * field app, nor a grid worker the resident's pages. The part the address names starts downloading as
 * this module runs, beside the question of who is signed in, rather than after its answer.
 */
const loadCases = () => import('./cases/routes');
const loadField = () => import('./field/routes');
const loadHouseholds = () => import('./households/GridHouseholdsPage');
const PhoneRoutes = lazy(() => loadCases().then((m) => ({ default: m.PhoneRoutes })));
const FieldGate = lazy(() => loadField().then((m) => ({ default: m.FieldGate })));
// the sign-in and password pages (forms, tabs, validation) only for one who is not yet in
const ResidentLoginPage = lazy(() =>
  import('./account/ResidentLoginPage').then((m) => ({ default: m.ResidentLoginPage })),
);
const LoginPage = lazy(() => import('../shared/sign-in/LoginPage').then((m) => ({ default: m.LoginPage })));
const ChangePasswordPage = lazy(() =>
  import('../shared/sign-in/ChangePasswordPage').then((m) => ({ default: m.ChangePasswordPage })),
);
const GridHouseholdsPage = lazy(() => loadHouseholds().then((m) => ({ default: m.GridHouseholdsPage })));
const MePage = lazy(() => import('./account/MePage').then((m) => ({ default: m.MePage })));
const CouncilsPage = lazy(() => import('./councils/CouncilsPage').then((m) => ({ default: m.CouncilsPage })));
const PointsRoutes = lazy(() => import('./points/routes').then((m) => ({ default: m.PointsRoutes })));
const DualPage = lazy(() => import('./party/DualPage').then((m) => ({ default: m.DualPage })));
const VenueRoutes = lazy(() => import('./venues/routes').then((m) => ({ default: m.VenueRoutes })));
const CanteenPage = lazy(() => import('./canteen/CanteenPage').then((m) => ({ default: m.CanteenPage })));
const FundRoutes = lazy(() => import('./funds/routes').then((m) => ({ default: m.FundRoutes })));
const NoticeRoutes = lazy(() => import('./notices/routes').then((m) => ({ default: m.NoticeRoutes })));

const isFieldPath = (pathname: string) => pathname === '/m/field' || pathname.startsWith('/m/field/');
const isHouseholdsPath = (pathname: string) => pathname === '/m/households' || pathname.startsWith('/m/households/');
const startPath = window.location.pathname;
if (isFieldPath(startPath)) void loadField();
else if (isHouseholdsPath(startPath)) void loadHouseholds();
else void loadCases();

function Loading() {
  const { t } = useI18n();
  return (
    <Flex align="center" justify="center" style={{ height: '100vh' }}>
      <Spin size="large" description={t('app.loading')} />
    </Flex>
  );
}

/** A phone page for holders of `permission`; anyone else goes to the console, which finds her a start. */
function Guarded({ permission, children }: { permission: string | string[]; children: ReactNode }) {
  const { can } = useAuth();
  const isAllowed = typeof permission === 'string' ? can(permission) : permission.some((p) => can(p));
  return isAllowed ? children : <RedirectToOtherApp path="/" />;
}

/** Decides what the phone shows: sign-in, the forced password change, or the page asked for. */
function Gate() {
  const { me, isLoading } = useAuth();
  const { pathname } = useLocation();
  // the grid worker's app works offline, so it decides about sign-in itself
  if (isFieldPath(pathname)) return <FieldGate />;
  if (isLoading) return <Loading />;
  // the grid ledger is staff work: staff sign in with a password, residents with a code
  if (me === null) return isHouseholdsPath(pathname) ? <LoginPage /> : <ResidentLoginPage />;
  if (me.mustChangePassword) return <ChangePasswordPage />;
  return (
    <Routes>
      <Route path="/m/households" element={<Guarded permission="resident.read" children={<GridHouseholdsPage />} />} />
      <Route path="/m/login" element={<Navigate to="/m/cases" replace />} />
      <Route path="/m/me" element={<Guarded permission="case.report" children={<MePage />} />} />
      <Route path="/m/canteen" element={<Guarded permission="case.report" children={<CanteenPage />} />} />
      <Route path="/m/councils" element={<Guarded permission="case.report" children={<CouncilsPage />} />} />
      <Route path="/m/points/*" element={<Guarded permission="case.report" children={<PointsRoutes />} />} />
      <Route path="/m/dual" element={<Guarded permission="case.report" children={<DualPage />} />} />
      <Route path="/m/venues/*" element={<Guarded permission="case.report" children={<VenueRoutes />} />} />
      <Route path="/m/funds/*" element={<Guarded permission="case.report" children={<FundRoutes />} />} />
      {/* notices reach residents by household and staff (网格员) by their role */}
      <Route
        path="/m/notices/*"
        element={<Guarded permission={['case.report', 'notice.read']} children={<NoticeRoutes />} />}
      />
      <Route path="/m/*" element={<Guarded permission="case.report" children={<PhoneRoutes />} />} />
      <Route path="*" element={<RedirectToOtherApp path="/" />} />
    </Routes>
  );
}

/** The phone app (m.html), served for /m/*: the resident's pages, the grid worker's field app and ledger. */
export function PhoneApp() {
  return (
    <AppFrame messages={messages}>
      <ElderTheme>
        <Suspense fallback={<Loading />}>
          <Gate />
        </Suspense>
      </ElderTheme>
    </AppFrame>
  );
}
