import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const page = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/**
 * Two apps, two pages: the desktop console (index.html) and the phone app (m.html) for /m/*. The
 * server picks the page by path (server/src/app.ts); in `vite dev` this does the same.
 */
function phonePageInDev(): Plugin {
  return {
    name: 'tianzige-phone-page',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const url = req.url ?? '';
        if (url === '/m' || url.startsWith('/m/') || url.startsWith('/m?')) req.url = '/m.html';
        next();
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), phonePageInDev()],
  server: {
    proxy: { '/api': 'http://localhost:8080', '/healthz': 'http://localhost:8080' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: { input: { console: page('./index.html'), phone: page('./m.html') } },
  },
});
