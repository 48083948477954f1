import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { watch } from './page-problems';
import { TempFolders } from '../support/temp-folders';

const temp = new TempFolders();
test.afterAll(() => temp.removeAll());

/**
 * The lab's shell and views: every view renders at a projector's 1280×720 and at
 * 1920×1080 without console errors or horizontal overflow (screenshots kept in
 * test-results/screens/ to be looked at), the URL carries the Live settings both ways,
 * the bare URL starts the default scenario and counts flows, and nothing leaves the origin.
 */

const SCREENS = 'test-results/screens';
const SAMPLE = fileURLToPath(new URL('../../../shared/datasets/ciciomt2024_v2_39feat_sample.csv', import.meta.url));
const VIEWS = ['live', 'data', 'train', 'alerts', 'history', 'detectors', 'compare'] as const;
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

/** the five counters, read in one go so they come from the same summary */
async function counters(page: Page) {
  return page.evaluate(() => {
    const read = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';
    return {
      read: read('count-read'),
      scored: read('count-scored'),
      stored: read('count-stored'),
      skipped: read('count-skipped'),
      alerts: read('count-alerts'),
    };
  });
}

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test.beforeAll(() => mkdirSync(SCREENS, { recursive: true }));

test('the bare URL starts the default scenario and the counters count up and add up', async ({ page }) => {
  const problems = watch(page);
  await page.goto('/');
  await expect(page.getByTestId('tab-live')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('backend')).toContainText(/wasm.*(single-threaded — not cross-origin isolated|threads — cross-origin isolated)/);
  // the five hooks are there from the start, as plain integers
  for (const value of Object.values(await counters(page))) expect(value).toMatch(/^\d+$/);
  await expect(page.getByTestId('run-state')).toHaveText('playing', { timeout: 30_000 });
  await expect.poll(async () => Number((await counters(page)).scored), { timeout: 30_000 }).toBeGreaterThan(0);
  const first = await counters(page);
  await expect.poll(async () => Number((await counters(page)).scored), { timeout: 20_000 }).toBeGreaterThan(Number(first.scored));
  const c = await counters(page);
  for (const value of Object.values(c)) expect(value).toMatch(/^\d+$/);
  expect(Number(c.read)).toBeGreaterThanOrEqual(Number(c.scored) + Number(c.skipped));
  expect(Number(c.stored)).toBeLessThanOrEqual(Number(c.scored));
  // the scenario the bare URL played is now in the URL, so the address can be handed on
  expect(new URL(page.url()).searchParams.get('dataset')).toBe('mixed-day');
  expect(new URL(page.url()).searchParams.get('autostart')).toBe('1');
  await expect(page.getByTestId('captions')).not.toBeEmpty();
  await page.getByTestId('pause').click();
  await expect(page.getByTestId('run-state')).toHaveText('paused');
  const paused = Number((await counters(page)).read);
  await page.getByTestId('step').click();
  await expect.poll(async () => Number((await counters(page)).read), { timeout: 10_000 }).toBeGreaterThan(paused);
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('run-state')).toHaveText(/ended|idle/);
  expect(problems).toEqual([]);
});

test('every view renders at 1280×720 and 1920×1080 without errors or horizontal overflow', async ({ page }) => {
  test.setTimeout(240_000);
  const problems = watch(page);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const view of VIEWS) {
      await page.goto(view === 'live' ? '/?view=live&rate=max&autostart=1' : `/?view=${view}`);
      await expect(page.getByTestId(`tab-${view}`)).toHaveAttribute('aria-current', 'page');
      if (view === 'live') {
        await expect.poll(async () => Number((await counters(page)).scored), { timeout: 30_000 }).toBeGreaterThan(1000);
        // let a few summaries arrive so the charts have something to draw
        await page.waitForTimeout(2500);
        // a projector shows the tiles and the main chart without scrolling
        for (const id of ['tiles', 'chart-score', 'count-scored']) {
          const box = await page.getByTestId(id).boundingBox();
          expect(box, id).not.toBeNull();
          expect(box!.y + box!.height, `${id} bottom at ${size.width}×${size.height}`).toBeLessThanOrEqual(size.height);
        }
      } else {
        await page.waitForTimeout(1000);
      }
      expect(await overflow(page), `${view} at ${size.width}×${size.height} overflows sideways`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${SCREENS}/${view}-${size.width}x${size.height}.png` });
    }
  }
  expect(problems).toEqual([]);
});

test('at 1280×720 every stored model shows all its actions without scrolling sideways', async ({ page }) => {
  const problems = watch(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/?view=data');
  await page.getByTestId('data-file-input').setInputFiles(SAMPLE);
  await expect(page.getByTestId('data-dataset')).toContainText('CICIoMT2024', { timeout: 60_000 });
  await page.getByTestId('tab-train').click();
  await page.getByTestId('train-detector').selectOption('iforest');
  await page.getByTestId('setting-n_estimators').fill('20');
  await page.getByTestId('train-run').click();
  await expect(page.getByTestId('train-scores')).toBeVisible({ timeout: 90_000 });
  // a long name, beside the trained model's result: the list has its narrowest column here
  await page.getByTestId('model-name').fill('isolation forest on the CICIoMT2024 sample, 20 trees, 99th percentile');
  await page.getByTestId('model-save').click();
  await expect(page.getByTestId('model-delete')).toHaveCount(1);
  const table = page.getByTestId('model-list').locator('table');
  const outside = await table.evaluate((t) => {
    const box = t.parentElement!;
    const r = box.getBoundingClientRect();
    const visible = { left: r.left + box.clientLeft, top: r.top + box.clientTop };
    const right = visible.left + box.clientWidth;
    const bottom = visible.top + box.clientHeight;
    return [...t.querySelectorAll('button')]
      .filter((b) => {
        const br = b.getBoundingClientRect();
        return br.left < visible.left - 0.5 || br.right > right + 0.5 || br.top < visible.top - 0.5 || br.bottom > bottom + 0.5;
      })
      .map((b) => `${b.dataset.testid} in row ${b.closest('tr')!.rowIndex}`);
  });
  expect(await page.getByTestId('model-row').count()).toBeGreaterThan(1);
  expect(outside, 'buttons outside the stored-models box').toEqual([]);
  expect(problems).toEqual([]);
});

test('the URL carries the Live settings both ways', async ({ page }) => {
  const problems = watch(page);
  await page.goto('/?view=live&dataset=quiet-ward&seed=7&detector=iforest&rate=100&threshold=0.62');
  await expect(page.getByTestId('scenario')).toHaveValue('quiet-ward');
  await expect(page.getByTestId('seed')).toHaveValue('7');
  await expect(page.getByTestId('live-detector')).toHaveValue('iforest');
  await expect(page.getByTestId('rate-value')).toHaveText('100 flows/s');
  await expect(page.getByTestId('threshold-value')).toHaveValue('0.62');
  // no autostart in the link: nothing plays
  await expect(page.getByTestId('run-state')).toHaveText('idle');

  await page.getByTestId('rate-10k').click();
  await expect.poll(() => new URL(page.url()).searchParams.get('rate')).toBe('10000');
  await page.getByTestId('rate-x10').click();
  await expect.poll(() => new URL(page.url()).searchParams.get('rate')).toBe('x10');
  await page.getByTestId('live-detector').selectOption('lstm');
  await expect.poll(() => new URL(page.url()).searchParams.get('detector')).toBe('lstm');
  // another detector brings its own calibrated threshold
  expect(new URL(page.url()).searchParams.get('threshold')).toBeNull();
  await page.getByTestId('scenario').selectOption('slow-recon');
  await expect.poll(() => new URL(page.url()).searchParams.get('dataset')).toBe('slow-recon');

  await page.reload();
  await expect(page.getByTestId('scenario')).toHaveValue('slow-recon');
  await expect(page.getByTestId('live-detector')).toHaveValue('lstm');
  await expect(page.getByTestId('rate-value')).toHaveText('×10 file speed');
  await expect(page.getByTestId('seed')).toHaveValue('7');

  // other views keep their own parameters; coming back restores the Live ones from memory
  await page.getByTestId('tab-history').click();
  await expect.poll(() => new URL(page.url()).searchParams.get('view')).toBe('history');
  expect(new URL(page.url()).searchParams.get('rate')).toBeNull();
  await page.getByTestId('tab-live').click();
  await expect.poll(() => new URL(page.url()).searchParams.get('rate')).toBe('x10');

  // a name that is not a scenario says so in one sentence
  await page.goto('/?view=live&dataset=no-such-ward');
  await expect(page.getByTestId('run-error')).toContainText('no scenario named “no-such-ward”');
  expect(problems).toEqual([]);
});

test('an attack injected into the quiet ward is captioned and caught', async ({ page }) => {
  const problems = watch(page);
  await page.goto('/?view=live&dataset=quiet-ward&seed=3&rate=1000&autostart=1');
  await expect.poll(async () => Number(await page.getByTestId('count-scored').textContent()), { timeout: 30_000 }).toBeGreaterThan(500);
  await expect(page.getByTestId('captions')).not.toContainText('SYN flood');
  await page.getByTestId('inject-menu').click();
  await page.getByTestId('inject-attack').selectOption('TCP_IP-DDoS-SYN');
  await page.getByTestId('inject').click();
  await expect(page.getByTestId('captions')).toContainText(/SYN flood \(DDoS\) from .+ against /i, { timeout: 15_000 });
  await expect(page.getByTestId('alert-list')).toContainText('TCP_IP-DDoS-SYN', { timeout: 15_000 });
  expect(problems).toEqual([]);
});

test('a bad file gets a one-sentence error in the Live view', async ({ page }) => {
  const problems = watch(page);
  const dir = temp.make('lab-views-');
  const bad = join(dir, 'notes.csv');
  writeFileSync(bad, 'name,colour\nanna,red\n');
  await page.goto('/?view=live');
  await page.getByTestId('file-input').setInputFiles(bad);
  const error = page.getByTestId('run-error');
  await expect(error).toBeVisible({ timeout: 30_000 });
  const text = (await error.innerText()).trim();
  expect(text.length).toBeGreaterThan(10);
  expect(text.split(/[.!?](\s|$)/).filter((s) => s.trim().length > 3).length).toBeLessThanOrEqual(2);
  await expect(page.getByTestId('run-state')).not.toHaveText('playing');
  expect(problems).toEqual([]);
});

test('alerts are grouped, acknowledged, escalated and explained; the run reopens in History and exports', async ({ page }) => {
  test.setTimeout(180_000);
  const problems = watch(page);
  await page.goto('/?view=live&dataset=mixed-day&rate=max&autostart=1');
  await expect.poll(async () => Number((await counters(page)).alerts), { timeout: 90_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('alert-list')).toBeVisible();
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('run-state')).toHaveText('ended');

  await page.getByTestId('tab-alerts').click();
  await expect(page.getByTestId('alert-group').first()).toBeVisible({ timeout: 15_000 });
  const key = (await page.getByTestId('alert-group').first().getAttribute('data-key'))!;
  const group = page.locator(`[data-testid="alert-group"][data-key="${key}"]`);
  const className = await group.locator('td').nth(1).innerText();
  await group.getByTestId('alert-ack').click();
  await expect(group.getByTestId('alert-status')).toHaveText('acknowledged');
  await group.getByTestId('alert-escalate').click();
  await expect(group.getByTestId('alert-status')).toHaveText('escalated');
  // the status is stored: it survives a reload
  await page.reload();
  await expect(group.getByTestId('alert-status')).toHaveText('escalated', { timeout: 15_000 });
  await group.locator('button.link').click();
  const detail = page.getByTestId('alert-detail');
  await expect(detail).toBeVisible();
  await expect(detail).toContainText(className);
  await expect(page.getByTestId('alert-features').locator('tbody tr').first()).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/alerts-open-1280x720.png` });
  expect(await overflow(page)).toBeLessThanOrEqual(0);

  await page.getByTestId('tab-history').click();
  await expect(page.getByTestId('storage-used')).toContainText('used of');
  const rows = page.getByTestId('history-row');
  await expect(rows.first()).toBeVisible();
  await rows.first().getByTestId('history-open').click();
  await expect(page.getByTestId('history-run')).toBeVisible();
  await expect(page.getByTestId('chart-score')).toBeVisible();
  // the address follows the open run (written after the view updates, so polled)
  await expect(page).toHaveURL(/[?&]run=[^&]+/);
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('export-ndjson').click()]);
  const ndjson = readFileSync(await download.path(), 'utf8');
  const firstLine = ndjson.slice(0, ndjson.indexOf('\n'));
  expect(() => JSON.parse(firstLine)).not.toThrow();
  await page.screenshot({ path: `${SCREENS}/history-run-1280x720.png`, fullPage: true });
  expect(problems).toEqual([]);
});
