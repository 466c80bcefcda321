import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useState, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { I18nProvider } from '../shared/i18n';
import { prefersReducedMotion } from '../shared/motion';
import { CommunityPage } from './CommunityPage';
import { CommunityPicker } from './CommunityPicker';
import { messages, usePublicI18n } from './i18n';
import '../shared/base.css';
import './public.css';

function Localized({ children }: { children: ReactNode }) {
  const { lang } = usePublicI18n();
  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      theme={{ token: { borderRadius: 6, motion: !prefersReducedMotion } }}
    >
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

/**
 * The public pages (/p, /p/:code): no sign-in and no session — unlike the apps' frame, nothing here asks
 * who is signed in, so a visitor's browser sends nothing but the page requests.
 */
export function PublicApp() {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider messages={messages}>
        <Localized>
          <BrowserRouter>
            <Routes>
              <Route path="/p" element={<CommunityPicker />} />
              <Route path="/p/:code" element={<CommunityPage />} />
              <Route path="*" element={<Navigate to="/p" replace />} />
            </Routes>
          </BrowserRouter>
        </Localized>
      </I18nProvider>
    </QueryClientProvider>
  );
}
