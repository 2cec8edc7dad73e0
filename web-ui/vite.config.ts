// Builds the browser app to web-ui/dist: `npx vite build --config web-ui/vite.config.ts`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  // No inline scripts anywhere: the server's Content-Security-Policy forbids them.
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
  },
  server: {
    // `npx vite --config web-ui/vite.config.ts` with the API on 2802 (web-ui/dev-server.ts).
    proxy: { '/api': 'http://127.0.0.1:2802' },
  },
});
