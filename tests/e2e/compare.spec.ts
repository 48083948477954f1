import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { watch } from './page-problems';

const SHARED = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));

test('the model comparison runs in the train worker and its report downloads', async ({ page }) => {
  const problems = watch(page);

  await page.goto('/?view=compare&balance=oversample');
  await page.getByTestId('compare-file-input').setInputFiles(SHARED + 'botiot_12col_subset_sample.csv');
  await page.getByTestId('compare-run').click();
  const table = page.getByTestId('compare-table');
  await expect(table).toBeVisible({ timeout: 110_000 });
  await expect(page.getByTestId('compare-dataset')).toContainText('BoT-IoT');
  await expect(page.getByTestId('compare-split-kind')).toHaveText('time, last 30 % tested');
  // seven models, six of them again with oversampling (k-means ignores labels)
  await expect(table.locator('tbody tr')).toHaveCount(13);
  await expect(table).toContainText('random_forest+oversample');
  await page.screenshot({ path: 'test-results/compare-1280x720.png', fullPage: true });

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('compare-report').click()]);
  const html = readFileSync(await download.path(), 'utf8');
  expect(html).toContain('Model comparison: BoT-IoT');
  expect(html).not.toMatch(/<script|https?:\/\//);
  expect(problems).toEqual([]);
});

test('a model kept from the comparison is stored with the detectors and replays in Live, naming every alert', async ({ page }) => {
  const problems = watch(page);
  const sample = SHARED + 'botiot_12col_subset_sample.csv';

  await page.goto('/?view=compare');
  await page.getByTestId('compare-file-input').setInputFiles(sample);
  await page.getByTestId('compare-run').click();
  const row = page
    .getByTestId('compare-table')
    .locator('tbody tr')
    .filter({ hasText: /^random_forest/ })
    .first();
  await expect(row).toBeVisible({ timeout: 110_000 });
  await row.getByTestId('compare-keep').click();
  await expect(row.getByTestId('compare-kept')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('compare-kept-note')).toContainText('random_forest');

  // the same file loaded as the lab's data; the kept forest replays it from the stored models
  await page.getByTestId('tab-data').click();
  await page.getByTestId('data-file-input').setInputFiles(sample);
  await expect(page.getByTestId('data-dataset')).toContainText('BoT-IoT', { timeout: 60_000 });
  await page.getByTestId('tab-train').click();
  const stored = page.getByTestId('model-row').filter({ hasText: 'kept from the comparison' });
  await expect(stored).toHaveCount(1, { timeout: 15_000 });
  await expect(stored).toContainText('random_forest');
  await stored.getByTestId('model-replay-stored').click();

  await expect(page.getByTestId('tab-live')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('live-foot')).toContainText('random_forest', { timeout: 60_000 });
  const predicted = page.getByTestId('alert-predicted').first();
  await expect(predicted).toBeVisible({ timeout: 60_000 });
  // the data is labelled: the predicted class with its confidence, and the true class beside it
  await expect(predicted).toContainText(/\d+\.\d %/);
  expect(await predicted.getAttribute('title')).toMatch(/^predicted (DoS|Reconnaissance) \(\d+\.\d %\); true class (DoS|Reconnaissance|Normal)$/);
  expect(problems).toEqual([]);
});
