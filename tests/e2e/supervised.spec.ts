import { expect, test } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { watch } from './page-problems';

const SAMPLE = fileURLToPath(new URL('../../../shared/datasets/ciciomt2024_v2_39feat_sample.csv', import.meta.url));

test('a random forest trained in the Train view is kept, replayed, and names every alert: the newest alerts and the inbox show predicted against true classes', async ({
  page,
}) => {
  const problems = watch(page);
  await page.goto('/?view=data');
  await page.getByTestId('data-file-input').setInputFiles(SAMPLE);
  await expect(page.getByTestId('data-dataset')).toContainText('CICIoMT2024, newer CSV release', { timeout: 60_000 });
  await page.getByTestId('tab-train').click();
  await page.getByTestId('train-detector').selectOption('random_forest');
  await expect(page.getByTestId('train-supervised-note')).toContainText('out-of-fold');
  await page.getByTestId('setting-n_estimators').fill('20');
  await page.getByTestId('setting-min_samples_leaf').fill('2');
  await page.getByTestId('train-run').click();
  await expect(page.getByTestId('train-scores')).toBeVisible({ timeout: 120_000 });
  expect(Number(await page.getByTestId('train-roc-auc').innerText())).toBeGreaterThan(0.9);

  // keep it, then replay with it: a run scored by a classifier names its alerts
  await page.getByTestId('model-save').click();
  await expect(page.getByTestId('train-note')).toContainText('Saved');
  await page.getByTestId('model-replay').click();
  await expect(page.getByTestId('tab-live')).toHaveAttribute('aria-current', 'page');
  const predicted = page.getByTestId('alert-predicted').first();
  await expect(predicted).toBeVisible({ timeout: 60_000 });
  // "<predicted class> <confidence> %", and the true class beside it (this sample is labelled)
  await expect(predicted).toContainText(/\d+\.\d %/);
  expect(await predicted.getAttribute('title')).toMatch(/^predicted .+; true class .+$/);

  await page.getByTestId('tab-alerts').click();
  const group = page.getByTestId('alert-group-predicted').first();
  await expect(group).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('alert-groups')).toContainText('predicted class');
  await expect(page.getByTestId('alert-groups')).toContainText(/agree/);

  // the kept forest as the second stage of another detector: the isolation forest flags, the forest names
  await page.getByTestId('tab-live').click();
  await page.getByTestId('live-namer').focus();
  await page
    .getByTestId('live-namer')
    .selectOption({ label: (await page.getByTestId('live-namer').locator('option', { hasText: 'random_forest' }).first().innerText()).trim() });
  await page.getByTestId('live-detector').selectOption('iforest');
  await expect(page.getByTestId('run-state')).not.toHaveText('loading', { timeout: 30_000 });
  if ((await page.getByTestId('run-state').innerText()) !== 'playing') await page.getByTestId('start').click();
  await expect(page.getByTestId('live-foot')).toContainText('iforest', { timeout: 60_000 });
  await expect(page.getByTestId('alert-predicted').first()).toBeVisible({ timeout: 60_000 });
  expect(problems).toEqual([]);
});
