import { Button, Flex, Result, Spin } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { useAuth } from '../../shared/auth';
import { RedirectToOtherApp } from '../../shared/navigation';
import { consoleStartOf } from '../../shared/sections';
import { ChangePasswordPage } from '../../shared/sign-in/ChangePasswordPage';
import { LoginPage } from '../../shared/sign-in/LoginPage';
import { useI18n } from '../i18n';
import { FieldProvider } from './FieldContext';
import { HouseholdPage } from './HouseholdPage';
import { ReportPage } from './ReportPage';
import { useFieldShell } from './shell';
import { readIdentity, type Identity } from './store';
import { SyncPage } from './SyncPage';
import { TodayPage } from './TodayPage';
import { VisitFormPage } from './VisitFormPage';

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

  const consolePath = consoleStartOf(can);
  const live = useMemo<Identity | null>(
    () => (me === null ? null : { userId: me.id, displayName: me.displayName, consolePath }),
    [me, consolePath],
  );

  if (me !== null) {
    if (me.mustChangePassword) return <ChangePasswordPage />;
    if (!can('visit.record')) return <RedirectToOtherApp path="/" />;
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
