import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // the page's state classes (.svelte.ts, runes) are tested in Node too
  plugins: [svelte()],
  test: {
    include: ['tests/unit/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
