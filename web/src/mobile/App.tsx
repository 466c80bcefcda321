import { Flex, Spin } from 'antd';
import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from '../shared/auth';
import { AppFrame } from '../shared/AppFrame';
import { RedirectToOtherApp } from '../shared/navigation';
import { ChangePasswordPage } from '../shared/sign-in/ChangePasswordPage';
import { MePage } from './account/MePage';
import { ResidentLoginPage } from './account/ResidentLoginPage';
import { PhoneRoutes } from './cases/routes';
import { FieldGate } from './field/routes';
import { GridHouseholdsPage } from './households/GridHouseholdsPage';
import { messages, useI18n } from './i18n';

/** A phone page for holders of `permission`; anyone else goes to the console, which finds her a start. */
function Guarded({ permission, children }: { permission: string; children: ReactNode }) {
  const { can } = useAuth();
  return can(permission) ? children : <RedirectToOtherApp path="/" />;
}

/** Decides what the phone shows: sign-in, the forced password change, or the page asked for. */
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
  if (me === null) return <ResidentLoginPage />;
  if (me.mustChangePassword) return <ChangePasswordPage />;
  return (
    <Routes>
      <Route path="/m/households" element={<Guarded permission="resident.read" children={<GridHouseholdsPage />} />} />
      <Route path="/m/login" element={<Navigate to="/m/cases" replace />} />
      <Route path="/m/me" element={<Guarded permission="case.report" children={<MePage />} />} />
      <Route path="/m/*" element={<Guarded permission="case.report" children={<PhoneRoutes />} />} />
      <Route path="*" element={<RedirectToOtherApp path="/" />} />
    </Routes>
  );
}

/** The phone app (m.html), served for /m/*: the resident's pages, the grid worker's field app and ledger. */
export function PhoneApp() {
  return (
    <AppFrame messages={messages}>
      <Gate />
    </AppFrame>
  );
}
