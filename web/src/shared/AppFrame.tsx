import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useState, type ReactNode } from 'react';
import { BrowserRouter } from 'react-router-dom';
import { AuthProvider, prefetchMe } from './auth';
import { I18nProvider, useI18n, type Dictionary } from './i18n';
import { prefersReducedMotion } from './motion';
import './base.css';

function newQueryClient() {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 30_000 } },
  });
  prefetchMe(queryClient);
  return queryClient;
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

/**
 * What every page of either app stands in: queries, the language (with the app's own dictionary),
 * Ant Design in that language, the router and who is signed in.
 */
export function AppFrame({ messages, children }: { messages: Dictionary; children: ReactNode }) {
  const [queryClient] = useState(newQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider messages={messages}>
        <Localized>
          <BrowserRouter>
            <AuthProvider>{children}</AuthProvider>
          </BrowserRouter>
        </Localized>
      </I18nProvider>
    </QueryClientProvider>
  );
}
