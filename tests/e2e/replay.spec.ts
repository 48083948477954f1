import { expect, test, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { watch } from './page-problems';
import { newestStoredRun } from './stored-runs';

/**
 * The replay pipeline in the built site: source and detect workers, IndexedDB, the Live
 * view's counters (`count-read` … `count-alerts`, plain integers) and its file input.
 */
const V2 = fileURLToPath(new URL('../../../shared/datasets/ciciomt2024_v2_39feat_sample.csv', import.meta.url));
const V2_ROWS = 17_684;
const COUNTERS = ['read', 'scored', 'stored', 'skipped', 'alerts'] as const;

/** all counters read in one turn of the page (they change live) */
async function counters(page: Page): Promise<Record<(typeof COUNTERS)[number], number>> {
  const texts = await page.evaluate((names) => names.map((n) => document.querySelector(`[data-testid=count-${n}]`)?.textContent ?? ''), [...COUNTERS]);
  const out = {} as Record<(typeof COUNTERS)[number], number>;
  COUNTERS.forEach((name, i) => {
    expect(texts[i].trim(), `count-${name} is a plain integer`).toMatch(/^\d+$/);
    out[name] = Number(texts[i]);
  });
  return out;
}

let problems: string[] = [];

test.beforeEach(({ page }) => {
  problems = watch(page);
});

test.afterEach(() => {
  expect(problems, 'no console errors and no request off the origin').toEqual([]);
});

test('the default scenario starts from its URL and counts flows', async ({ page }) => {
  await page.goto('/?view=live&dataset=mixed-day&autostart=1');
  await expect.poll(async () => (await counters(page)).scored, { timeout: 30_000 }).toBeGreaterThan(0);
  const first = await counters(page);
  await expect.poll(async () => (await counters(page)).scored, { timeout: 15_000 }).toBeGreaterThan(first.scored);
  const c = await counters(page);
  expect(c.read).toBe(c.scored + c.skipped);
  expect(c.stored).toBeLessThanOrEqual(c.scored);
  await expect(page.getByTestId('captions')).toBeAttached();
});

test('a real CICIoMT2024 v2 sample is detected, replayed, scored and stored; a reload brings the run back', async ({ page }) => {
  await page.goto('/?view=live&rate=max');
  await page.getByTestId('file-input').setInputFiles(V2);
  await expect.poll(async () => (await counters(page)).read, { timeout: 90_000 }).toBe(V2_ROWS);
  // every scored flow stored
  await expect
    .poll(
      async () => {
        const c = await counters(page);
        return c.stored === c.scored;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  const c = await counters(page);
  expect(c.read).toBe(c.scored + c.skipped);
  expect(c.scored).toBe(V2_ROWS);
  expect(c.alerts).toBeGreaterThan(0);
  expect(c.alerts).toBeLessThanOrEqual(c.scored);
  await expect.poll(async () => (await newestStoredRun(page)).run?.summary?.counters.stored, { timeout: 10_000 }).toBe(c.stored);
  const db = await newestStoredRun(page);
  expect(db.rows).toBe(c.stored);
  expect(db.run?.source.dataset).toMatch(/CICIoMT2024/);

  await page.reload();
  await page.goto('/?view=history');
  const row = page.getByTestId('history-row').filter({ hasText: 'ciciomt2024_v2_39feat_sample.csv' }).first();
  await expect(row).toBeVisible({ timeout: 15_000 });
  await row.getByTestId('history-open').click();
  await expect(page.getByTestId('history-run')).toBeVisible();
  await expect(page.getByTestId('count-stored')).toHaveText(String(c.stored));
});

test('seeking a file replay jumps to that share of the file, and the counters still add up', async ({ page }) => {
  await page.goto('/?view=live&rate=200');
  await page.getByTestId('file-input').setInputFiles(V2);
  await expect.poll(async () => (await counters(page)).scored, { timeout: 30_000 }).toBeGreaterThan(100);
  const before = (await counters(page)).read;
  expect(before).toBeLessThan(V2_ROWS / 4);
  await page.getByTestId('seek').fill('0.6');
  await expect.poll(async () => Number(await page.getByTestId('seek').inputValue()), { timeout: 15_000 }).toBeGreaterThan(0.59);
  await page.getByTestId('stop').click();
  await expect
    .poll(
      async () => {
        const c = await counters(page);
        return c.read === c.scored + c.skipped && c.stored === c.scored;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  // the rows between the old position and 60 % were skipped over, not read
  expect((await counters(page)).read).toBeLessThan(V2_ROWS * 0.6);
});

test('bad files get a clear message', async ({ page }) => {
  await page.goto('/?view=live');
  await page.getByTestId('file-input').setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
  await expect(page.getByTestId('run-error')).toContainText(/empty/i, { timeout: 20_000 });
  await page
    .getByTestId('file-input')
    .setInputFiles({ name: 'photo.csv', mimeType: 'text/csv', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48]) });
  await expect(page.getByTestId('run-error')).toContainText(/binary/i, { timeout: 20_000 });
  await page.getByTestId('file-input').setInputFiles({ name: 'notes.csv', mimeType: 'text/csv', buffer: Buffer.from('hello,world\n1,2\n') });
  await expect(page.getByTestId('run-error')).toContainText(/header/i, { timeout: 20_000 });
});

test('learning first, then a drift-aware threshold: the first 1,000 flows train and are counted as skipped, then flows are scored', async ({ page }) => {
  await page.goto('/?view=live&dataset=mixed-day&rate=500');
  await page.getByTestId('adaptive-threshold').check();
  await page.getByTestId('learning-period').selectOption('f1000');
  await page.getByTestId('start').click();
  const status = page.getByTestId('learning-status');
  await expect(status).toHaveAttribute('data-state', 'learning', { timeout: 30_000 });
  await expect(status).toContainText('of 1,000 flows');
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(status).toContainText('Learned on site');
  await expect.poll(async () => (await counters(page)).scored, { timeout: 30_000 }).toBeGreaterThan(0);
  const c = await counters(page);
  expect(c.skipped).toBeGreaterThanOrEqual(1000);
  expect(c.read).toBe(c.scored + c.skipped);
  await expect(page.getByTestId('live-foot')).toContainText('learned on site');
  await expect(page.getByTestId('live-foot')).toContainText('drift-aware threshold');
});
