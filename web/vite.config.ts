// Vite build of the web calendar: web/ → web/dist (served by src/server/web-app.ts).
// Relative asset URLs so the app works under any public base path; hashed file names so the
// server can cache assets for a year; no inline scripts (the page's CSP allows none).
import { defineConfig } from 'vite';

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
    sourcemap: false,
  },
});
