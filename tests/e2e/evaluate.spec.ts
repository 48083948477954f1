import { expect, test, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { watch } from './page-problems';

import { SHARED } from '../unit/sources';
import { TempFolders } from '../support/temp-folders';

const temp = new TempFolders();
test.afterAll(() => temp.removeAll());

const count = async (page: Page, id: string) => Number(await page.getByTestId(id).innerText());

test('a real CICIoMT2024 sample is detected, trained on, scored, and the counters add up', async ({ page }) => {
  const problems = watch(page);
  await page.goto('/?view=detectors&detector=iforest');
  await expect(page.getByTestId('backend')).toContainText('wasm');
  await page.getByTestId('file-input').setInputFiles(SHARED + 'ciciomt2024_v2_39feat_sample.csv');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('dataset')).toContainText('CICIoMT2024, newer CSV release', { timeout: 90_000 });
  const read = await count(page, 'count-read');
  const scored = await count(page, 'count-scored');
  const skipped = await count(page, 'count-skipped');
  const split = await count(page, 'count-training-split');
  expect(read).toBe(17684);
  expect(scored + skipped + split).toBe(read);
  expect(scored).toBeGreaterThan(4000);
  // without test files the later rows of each class are held out, and the threshold says how sure it is
  await expect(page.getByTestId('split-kind')).toContainText('time');
  await expect(page.getByTestId('expected-fpr')).toContainText('expected false positives');
  expect(Number(await page.getByTestId('roc-auc').innerText())).toBeGreaterThan(0.8);
  await page.screenshot({ path: 'test-results/evaluate-1280x720.png', fullPage: true });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: 'test-results/evaluate-1920x1080.png', fullPage: true });
  expect(problems).toEqual([]);
});

test('the k-nearest-neighbours detector is offered and judged on a time split of real BoT-IoT rows', async ({ page }) => {
  const problems = watch(page);
  await page.goto('/?view=detectors');
  await page.getByTestId('detector').selectOption('knn');
  await page.getByTestId('file-input').setInputFiles(SHARED + 'botiot_12col_subset_sample.csv');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('split-kind')).toContainText('time', { timeout: 90_000 });
  expect(Number(await page.getByTestId('roc-auc').innerText())).toBeGreaterThan(0.95);
  expect(problems).toEqual([]);
});

test('a bad file gets a clear message, not a crash', async ({ page }) => {
  const problems = watch(page);
  const dir = temp.make('lab-');
  const bad = join(dir, 'notes.csv');
  writeFileSync(bad, 'name,colour\nanna,red\n');
  await page.goto('/?view=detectors');
  await page.getByTestId('file-input').setInputFiles(bad);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('error')).toContainText('not one of CICIoMT2024, CICIoT2023 or BoT-IoT');
  expect(problems).toEqual([]);
});
