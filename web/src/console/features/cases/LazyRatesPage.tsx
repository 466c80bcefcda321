import { Flex, Spin } from 'antd';
import { lazy, Suspense } from 'react';

// ECharts is large: it loads with the rates page, not with the console
const RatesPage = lazy(() => import('./RatesPage').then((m) => ({ default: m.RatesPage })));

/** The three-rates page, fetched the first time it is opened. */
export function LazyRatesPage() {
  return (
    <Suspense
      fallback={
        <Flex justify="center" style={{ padding: 48 }}>
          <Spin />
        </Flex>
      }
    >
      <RatesPage />
    </Suspense>
  );
}
