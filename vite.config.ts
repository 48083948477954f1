import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { offlineCache } from './offline-cache.ts';

export default defineConfig({
  plugins: [svelte(), offlineCache()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  server: { port: 5173, open: !process.env.CI },
  preview: { port: 4173 },
});
