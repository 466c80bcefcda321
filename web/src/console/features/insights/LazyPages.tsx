import { Flex, Spin } from 'antd';
import { lazy, Suspense, type ComponentType } from 'react';

// ECharts is large: it loads with the first chart page opened, not with the console
function lazyPage(load: () => Promise<ComponentType>) {
  const Page = lazy(async () => ({ default: await load() }));
  return function LazyPage() {
    return (
      <Suspense
        fallback={
          <Flex justify="center" style={{ padding: 48 }}>
            <Spin />
          </Flex>
        }
      >
        <Page />
      </Suspense>
    );
  };
}

export const LazyInsightsPage = lazyPage(async () => (await import('./InsightsPage')).InsightsPage);
export const LazyBigScreenPage = lazyPage(async () => (await import('./BigScreenPage')).BigScreenPage);
export const LazyBurdenPage = lazyPage(async () => (await import('./BurdenPage')).BurdenPage);
