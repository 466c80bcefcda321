import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { fieldAssets, precompress } from './build/plugins';

const page = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/**
 * Three apps, three pages: the desktop console (index.html), the phone app (m.html) for /m/* and the
 * public pages (p.html, no sign-in) for /p/*. The server picks the page by path (server/src/app.ts
 * webPageFor); in `vite dev` this does the same.
 */
function phonePageInDev(): Plugin {
  return {
    name: 'tianzige-phone-page',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const url = req.url ?? '';
        if (url === '/m' || url.startsWith('/m/') || url.startsWith('/m?')) req.url = '/m.html';
        else if (url === '/p' || url.startsWith('/p/') || url.startsWith('/p?')) req.url = '/p.html';
        next();
      });
    },
  };
}

export default defineConfig({
  plugins: [
    react(),
    phonePageInDev(),
    fieldAssets({ entry: 'phone', part: /\/src\/mobile\/field\/routes\.tsx$/ }),
    precompress(),
  ],
  server: {
    proxy: { '/api': 'http://localhost:8080', '/healthz': 'http://localhost:8080' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: { console: page('./index.html'), phone: page('./m.html'), public: page('./p.html') },
    },
  },
});
