// Vite builds the dashboard (index.html) and the daily-work app (app/)
// into one directory the gateway embeds (services/gateway/CMakeLists.txt).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  publicDir: 'public',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: process.env.CHIBO_WEB_OUT || 'dist',
    emptyOutDir: true,
    // Inline nothing: the Content-Security-Policy allows no inline script or data: fonts.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2020',
    reportCompressedSize: false,
    rollupOptions: {
      input: {
        dashboard: resolve(import.meta.dirname, 'index.html'),
        app: resolve(import.meta.dirname, 'app/index.html'),
      },
    },
  },
});
