// Builds the console web app into dist/console-web/, which the console server serves at its base
// path. Stack, and why:
//  * Vite 8 is already in the tree (under vitest) and transforms JSX itself through oxc, so no
//    React plugin is needed: one fewer package to keep in step (hot reload is not a need here).
//  * React 19 + Mantine: Mantine is actively released, typed, and has light/dark theming built
//    in (a color scheme manager persisting to localStorage, exposed as data-mantine-color-scheme
//    on <html>), plus the tables, drawers, modals and tooltips these admin pages are made of,
//    without a CSS-in-JS runtime.
//  * Mantine Charts (recharts underneath) for the TPS chart here and the dashboard later: it
//    takes the same theme, so charts follow light/dark with no extra wiring.
// base './' keeps every asset URL relative, so the app works under any reverse-proxy base path
// (the app finds its API as new URL('api/', document.baseURI) for the same reason).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `npx vite console/web` serves the app with its API forwarded to a running console (its
// default port; KITEMQ_CONSOLE_URL for another), so the pages can be worked on live.
const consoleUrl = process.env.KITEMQ_CONSOLE_URL ?? 'http://127.0.0.1:8082';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  oxc: { jsx: { runtime: 'automatic' } },
  server: { proxy: { '/api': { target: consoleUrl, changeOrigin: true } } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console-web/', import.meta.url)),
    emptyOutDir: true,
    // Mantine is one ~600 kB chunk and recharts another, loaded with the first chart; both are
    // served from loopback or an intranet, so the default 500 kB warning is noise here.
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      onwarn(warning, warn) {
        // Mantine marks its modules "use client" for React Server Components; a client-only
        // bundle has no server side, so dropping the directive changes nothing.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
