import { Button, Flex, Result, Spin } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import type { Me } from '../../api/types';
import { useAuth } from '../../console/app/auth';
import { useI18n } from '../../console/app/i18n';
import { isShown, SECTIONS } from '../../console/app/Shell';
import { ChangePasswordPage } from '../../console/features/auth/ChangePasswordPage';
import { LoginPage } from '../../console/features/auth/LoginPage';
import { FieldProvider } from './FieldContext';
import { HouseholdPage } from './HouseholdPage';
import { ReportPage } from './ReportPage';
import { useFieldShell } from './shell';
import { readIdentity, type Identity } from './store';
import { SyncPage } from './SyncPage';
import { TodayPage } from './TodayPage';
import { VisitFormPage } from './VisitFormPage';

/**
 * Permissions that field work on the phone covers, with the read-only reference a worker may open in
 * the console now and then (org tree, case queue, dashboards); anyone holding more has desk work.
 */
const FIELD_WORK = new Set([
  'visit.record',
  'visit.read',
  'org.read',
  'resident.read',
  'case.read',
  'case.intake',
  'case.report',
  'apikey.own',
  'insight.read',
]);

/** A grid worker or linked party member whose work is all at the door: she signs in to the phone app. */
export const isFieldWorkOnly = (me: Me) =>
  me.permissions.includes('visit.record') && me.permissions.every((p) => FIELD_WORK.has(p));

function FieldRoutes() {
  return (
    <Routes>
      <Route path="/m/field" element={<TodayPage />} />
      <Route path="/m/field/h/:id" element={<HouseholdPage />} />
      <Route path="/m/field/h/:id/visit" element={<VisitFormPage />} />
      <Route path="/m/field/report" element={<ReportPage />} />
      <Route path="/m/field/sync" element={<SyncPage />} />
      <Route path="*" element={<Navigate to="/m/field" replace />} />
    </Routes>
  );
}

function Centered({ children }: { children: React.ReactNode }) {
  return (
    <Flex align="center" justify="center" style={{ minHeight: '100vh', padding: 16 }}>
      {children}
    </Flex>
  );
}

/**
 * /m/field decides for itself whom it shows: with a network, the signed-in user as the server
 * knows her; without one, the worker who last signed in on this phone, working from its cache
 * (the server checks her session when the queue is sent).
 */
export function FieldGate() {
  const { t } = useI18n();
  const { me, can, isLoading, isUnreachable } = useAuth();
  const [stored, setStored] = useState<Identity | null | undefined>(undefined);
  useFieldShell();
  useEffect(() => {
    readIdentity().then(
      (identity) => setStored(identity ?? null),
      () => setStored(null),
    );
  }, []);

  const consolePath = SECTIONS.find((s) => s.permission !== undefined && isShown(can)(s))?.path ?? null;
  const live = useMemo<Identity | null>(
    () => (me === null ? null : { userId: me.id, displayName: me.displayName, consolePath }),
    [me, consolePath],
  );

  if (me !== null) {
    if (me.mustChangePassword) return <ChangePasswordPage />;
    if (!can('visit.record')) return <Navigate to="/" replace />;
  }
  const identity = live ?? ((isLoading || isUnreachable) && stored !== undefined ? stored : null);
  if (identity !== null) {
    return (
      <FieldProvider key={identity.userId} identity={identity} isSignedIn={live !== null}>
        <FieldRoutes />
      </FieldProvider>
    );
  }
  if (isLoading || stored === undefined) {
    return (
      <Centered>
        <Spin size="large" description={t('app.loading')} />
      </Centered>
    );
  }
  if (isUnreachable) {
    return (
      <Centered>
        <Result
          status="warning"
          title={t('field.gate.firstOnline')}
          extra={<Button onClick={() => window.location.reload()}>{t('phone.retry')}</Button>}
        />
      </Centered>
    );
  }
  return <LoginPage />;
}
