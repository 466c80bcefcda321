import { Flex, Spin } from 'antd';
import { useEffect } from 'react';

/**
 * The console and the phone app are separate pages (index.html, m.html): going from one to the other
 * is a page load, not a route change. `replace` keeps the page left out of the history, as a redirect.
 */
export function openOtherApp(path: string, { replace = false }: { replace?: boolean } = {}) {
  if (replace) window.location.replace(path);
  else window.location.assign(path);
}

/** A redirect into the other app: a spinner while its page loads. */
export function RedirectToOtherApp({ path }: { path: string }) {
  useEffect(() => openOtherApp(path, { replace: true }), [path]);
  return (
    <Flex align="center" justify="center" style={{ minHeight: '100vh' }}>
      <Spin size="large" />
    </Flex>
  );
}
