import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { offlineCache } from './offline-cache.ts';
import { cspPlugin } from './content-security-policy.ts';

export default defineConfig({
  plugins: [svelte(), offlineCache(), cspPlugin()],
  worker: {
    format: 'es',
    // tfjs starts its wasm helper threads from the text of a function (toString()), which
    // must still find tfjs's own names: minifying the worker bundles breaks threads
    rolldownOptions: { output: { minify: { mangle: false, compress: false, codegen: true } } },
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  server: { port: 5173, open: !process.env.CI },
  preview: { port: 4173 },
});
