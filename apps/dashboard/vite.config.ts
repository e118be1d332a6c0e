import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The admin server serves `dist/` at `/` and answers `/api` and `/socket.io` itself; in dev, Vite
// forwards both to it so cookies stay same-origin.
const adminTarget = `http://127.0.0.1:${process.env.ADMIN_PORT ?? '4000'}`;

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/api': { target: adminTarget, changeOrigin: false },
      '/socket.io': { target: adminTarget, ws: true, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Maps for debugging, but not referenced from the served bundles.
    sourcemap: 'hidden',
    // Recharts (plus its d3/redux dependencies) is ~100 KB gzip: it must only ever land in chunks
    // loaded by React.lazy, never in what index.html loads.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 40 },
            {
              name: 'router',
              test: /node_modules[\\/](react-router|react-router-dom|cookie)[\\/]/,
              priority: 30,
            },
            { name: 'query', test: /node_modules[\\/]@tanstack[\\/]/, priority: 30 },
            // Lazy-only groups, named so the build output reads plainly. Nothing on the first
            // screen imports them (checked: index.html preloads neither).
            {
              name: 'recharts',
              test: /node_modules[\\/](recharts|d3-[a-z-]+|victory-vendor|internmap|@reduxjs|redux|redux-thunk|react-redux|reselect|immer|es-toolkit|decimal\.js-light|eventemitter3)[\\/]/,
              priority: 20,
            },
            { name: 'luxon', test: /node_modules[\\/]luxon[\\/]/, priority: 20 },
            {
              name: 'socket',
              test: /node_modules[\\/](socket\.io-client|engine\.io-client|engine\.io-parser|socket\.io-parser|@socket\.io|debug|ms)[\\/]/,
              priority: 30,
            },
          ],
        },
      },
    },
  },
});
