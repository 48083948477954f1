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
