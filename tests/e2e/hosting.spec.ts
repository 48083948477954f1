import { expect, test, type Page } from '@playwright/test';
import { watch } from './page-problems';

/**
 * How the built site behaves where it is hosted: served cross-origin isolated (COOP/COEP,
 * so TensorFlow.js may start its threaded WebAssembly build), and with no network at all
 * after one visit (the service worker's cache).
 */

async function scored(page: Page): Promise<number> {
  return Number(await page.getByTestId('count-scored').textContent());
}

test.describe('served cross-origin isolated', () => {
  test.use({ serviceWorkers: 'block' });

  test('the workers start TensorFlow.js and score, and the page says it is isolated', async ({ page }) => {
    const problems = watch(page);
    await page.route('**/*', async (route) => {
      const response = await route.fetch();
      await route.fulfill({
        response,
        headers: { ...response.headers(), 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' },
      });
    });
    await page.goto('/?view=live&autostart=1');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect(page.getByTestId('backend')).toContainText(/— cross-origin isolated/);
    await expect.poll(() => scored(page), { timeout: 30_000 }).toBeGreaterThan(1000);
    expect(problems).toEqual([]);
  });
});

test('after one visit the lab works offline', async ({ page, context }) => {
  const problems = watch(page);
  await page.goto('/?view=live&autostart=1');
  await expect.poll(() => scored(page), { timeout: 30_000 }).toBeGreaterThan(0);
  // the service worker has cached every file of the site once it is active
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('tab-live')).toBeVisible();
  await expect.poll(() => scored(page), { timeout: 30_000 }).toBeGreaterThan(1000);
  await page.getByTestId('tab-data').click();
  await expect(page.getByTestId('tab-data')).toHaveAttribute('aria-current', 'page');
  expect(problems).toEqual([]);
});
