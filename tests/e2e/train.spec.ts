import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { watch } from './page-problems';
import { TempFolders } from '../support/temp-folders';

const temp = new TempFolders();
test.afterAll(() => temp.removeAll());

const SHARED = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
const SAMPLE = SHARED + 'ciciomt2024_v2_39feat_sample.csv';
const SCREENS = 'test-results/screens';

async function shoot(page: Page, name: string) {
  mkdirSync(SCREENS, { recursive: true });
  for (const [w, h] of [
    [1280, 720],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(300); // charts follow their box's size
    await page.screenshot({ path: `${SCREENS}/${name}-${w}x${h}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

async function loadSample(page: Page) {
  await page.goto('/?view=data');
  await page.getByTestId('data-file-input').setInputFiles(SAMPLE);
  await expect(page.getByTestId('data-dataset')).toContainText('CICIoMT2024, newer CSV release', { timeout: 60_000 });
}

test('Data view: the CICIoMT2024 sample is detected, its classes and infinite cells reported, its features explored', async ({ page }) => {
  const problems = watch(page);
  await loadSample(page);
  expect(Number(await page.getByTestId('data-confidence').innerText())).toBeGreaterThan(0.9);
  expect(await page.getByTestId('data-rows').innerText()).toBe('17,684');
  expect(await page.getByTestId('data-skipped').innerText()).toBe('0');
  // 21 capture files; the TCP_IP file parts (ICMP1/ICMP2, UDP1/UDP2) are folded into one class each
  expect(await page.getByTestId('data-class-count').innerText()).toBe('19');
  const classes = page.getByTestId('data-classes');
  await expect(classes).toContainText('Benign');
  await expect(classes).toContainText('ARP_Spoofing');
  await expect(classes).toContainText('MQTT-DDoS-Connect_Flood');
  await expect(page.getByTestId('data-inf-cells')).toHaveText('610');
  await expect(page.getByTestId('data-cells')).toContainText('Rate');
  await expect(page.getByTestId('data-columns')).toContainText('Time_To_Live');

  // exploration: the first pass counts every feature; the Rate histogram reports its +∞ cells
  await expect(page.getByTestId('explore-histogram')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('explore-nonfinite')).toContainText('+∞');
  await expect(page.getByTestId('explore-scatter')).toBeVisible();
  const note = await page.getByTestId('explore-scatter-note').innerText();
  const points = Number(note.match(/^([\d,]+) points/)![1].replace(/,/g, ''));
  expect(points).toBeGreaterThan(1000);
  expect(points).toBeLessThanOrEqual(4000);
  // another feature answers from the worker's counts
  await page.getByTestId('explore-feature').selectOption('Header_Length');
  await expect(page.getByTestId('explore-nonfinite')).toContainText('benign: none');
  await page.getByTestId('explore-log').uncheck();
  await expect(page.getByTestId('explore-histogram')).toBeVisible();
  await page.getByTestId('explore-feature').selectOption('Rate');
  await expect(page.getByTestId('explore-nonfinite')).toContainText('+∞');
  await page.getByTestId('explore-log').check();
  await shoot(page, 'data-explored');
  expect(problems).toEqual([]);
});

test('Data view: the flows shipped with the site load like a dropped capture', async ({ page }) => {
  const problems = watch(page);
  await page.goto('/?view=data');
  await page.getByTestId('data-builtin').first().click();
  await expect(page.getByTestId('data-dataset')).toContainText('CICIoMT2024, newer CSV release', { timeout: 60_000 });
  expect(await page.getByTestId('data-rows').innerText()).toBe('12,000');
  expect(await page.getByTestId('data-skipped').innerText()).toBe('0');
  expect(Number(await page.getByTestId('data-class-count').innerText())).toBeGreaterThan(5);
  expect(problems).toEqual([]);
});

test('Data view: an empty file and a binary file get one clear sentence each', async ({ page }) => {
  const problems = watch(page);
  const dir = temp.make('lab-train-');
  writeFileSync(join(dir, 'empty.csv'), '');
  writeFileSync(join(dir, 'capture.csv'), Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x10, 0x80, 0x00, 0x00, 0x7f, 0x45, 0x4c, 0x46]));
  await page.goto('/?view=data');
  await page.getByTestId('data-file-input').setInputFiles(join(dir, 'empty.csv'));
  await expect(page.getByTestId('data-error')).toHaveText(/^empty\.csv is empty\.$/i);
  await page.getByTestId('data-file-input').setInputFiles(join(dir, 'capture.csv'));
  const text = await page.getByTestId('data-error').innerText();
  expect(text).toMatch(/capture\.csv/);
  expect(text).toMatch(/binary|not a text/i);
  expect(text.split(/[.!?](\s|$)/).filter((s) => s && s.trim()).length).toBe(1);
  expect(problems).toEqual([]);
});

test('Train view: an isolation forest trains with progress, shows score distributions, the threshold moves the figures, saves, downloads and loads back', async ({
  page,
}) => {
  const problems = watch(page);
  await loadSample(page);
  await page.getByTestId('tab-train').click();
  await expect(page.getByTestId('train-source')).toContainText('CICIoMT2024');
  await page.getByTestId('train-detector').selectOption('iforest');
  await page.getByTestId('setting-n_estimators').fill('60');
  await page.getByTestId('train-run').click();
  await expect(page.getByTestId('train-progress')).toBeVisible();
  await expect(page.getByTestId('train-scores')).toBeVisible({ timeout: 90_000 });
  expect(Number(await page.getByTestId('train-roc-auc').innerText())).toBeGreaterThan(0.8);
  await expect(page.getByTestId('train-score-chart')).toBeVisible();

  // the threshold slider: recall and FPR at the model's threshold, then lower (more flagged)
  const recall0 = await page.getByTestId('whatif-recall').innerText();
  const fpr0 = await page.getByTestId('whatif-fpr').innerText();
  const slider = page.getByTestId('threshold-slider');
  const max = Number(await slider.getAttribute('max'));
  const at = Number(await slider.inputValue());
  await slider.fill(String(Math.max(0, Math.floor(at * 0.8))));
  await expect(page.getByTestId('whatif-recall')).not.toHaveText(recall0);
  const pctOf = async (id: string) => parseFloat(await page.getByTestId(id).innerText());
  expect(await pctOf('whatif-recall')).toBeGreaterThanOrEqual(parseFloat(recall0));
  expect(await pctOf('whatif-fpr')).toBeGreaterThanOrEqual(parseFloat(fpr0));
  await slider.fill(String(max));
  await expect(page.getByTestId('whatif-fpr')).toHaveText('0.00 %');
  await slider.fill(String(Math.max(0, Math.floor(at * 0.9))));
  const chosen = await page.getByTestId('whatif-threshold').innerText();
  await page.getByTestId('use-threshold').click();
  await expect(page.getByTestId('model-threshold')).toHaveText(chosen);

  // save → in the model list
  await page.getByTestId('model-name').fill('e2e forest');
  await page.getByTestId('model-save').click();
  await expect(page.getByTestId('train-note')).toContainText('Saved');
  await expect(page.getByTestId('model-list').getByTestId('model-row').filter({ hasText: 'e2e forest' })).toHaveCount(1);

  // download → pipeline.json, which loads back
  const downloading = page.waitForEvent('download');
  await page.getByTestId('model-download-trained').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('pipeline.json');
  const dir = temp.make('lab-model-');
  const saved = join(dir, 'pipeline.json');
  await download.saveAs(saved);
  const json = JSON.parse(readFileSync(saved, 'utf8'));
  expect(json.format).toBe('iomt-anomaly-lab/pipeline');
  expect(json.detector.kind).toBe('iforest');
  expect(json.threshold.value).toBeCloseTo(Number(chosen), 2);
  await shoot(page, 'train-result');

  const rowsBefore = await page.getByTestId('model-row').count();
  await page.getByTestId('model-file-input').setInputFiles(saved);
  await expect(page.getByTestId('model-load-note')).toContainText('Loaded');
  await expect(page.getByTestId('model-row')).toHaveCount(rowsBefore + 1);

  // a model of another dataset is refused with one sentence
  const other = JSON.parse(JSON.stringify(json));
  other.schema.dialect = 'botiot';
  other.training.dataset = 'BoT-IoT';
  const otherPath = join(dir, 'other', 'pipeline.json');
  mkdirSync(join(dir, 'other'));
  writeFileSync(otherPath, JSON.stringify(other));
  await page.getByTestId('model-file-input').setInputFiles(otherPath);
  await expect(page.getByTestId('model-error')).toHaveText(
    /^This model was trained on BoT-IoT data and cannot score the loaded files, which are CICIoMT2024, newer CSV release[^.]*\.$/,
  );
  // not a model at all
  const junk = join(dir, 'weights.bin');
  writeFileSync(junk, Buffer.from([1, 2, 3]));
  await page.getByTestId('model-file-input').setInputFiles(junk);
  await expect(page.getByTestId('model-error')).toHaveText(/^No pipeline\.json among weights\.bin: /);

  // delete the loaded copy
  await page.getByTestId('model-row').filter({ hasText: '(loaded)' }).first().getByTestId('model-delete').click();
  await expect(page.getByTestId('model-row')).toHaveCount(rowsBefore);
  // the list survives a reload (IndexedDB)
  await page.goto('/?view=train');
  await expect(page.getByTestId('model-row').filter({ hasText: 'e2e forest' })).toHaveCount(1);
  expect(problems).toEqual([]);
});

test('Train view: an autoencoder draws its loss curve, and Cancel stops a long fit', async ({ page }) => {
  const problems = watch(page);
  await loadSample(page);
  await page.getByTestId('tab-train').click();
  await page.getByTestId('train-detector').selectOption('ae');
  await page.getByTestId('setting-epochs').fill('6');
  await page.getByTestId('setting-patience').fill('0');
  await page.getByTestId('train-run').click();
  await expect(page.getByTestId('train-scores')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('train-loss-curve')).toBeVisible();
  // an autoencoder downloads as pipeline.json + its TensorFlow.js model.json + weights.bin
  const names: string[] = [];
  page.on('download', (d) => names.push(d.suggestedFilename()));
  await page.getByTestId('model-download-trained').click();
  await expect.poll(() => names.slice().sort(), { timeout: 10_000 }).toEqual(['model.json', 'pipeline.json', 'weights.bin']);

  // a long fit, cancelled mid-way
  await page.getByTestId('setting-epochs').fill('400');
  await page.getByTestId('train-run').click();
  await expect(page.getByTestId('train-progress-text')).toContainText('epoch', { timeout: 60_000 });
  await page.getByTestId('train-cancel').click();
  await expect(page.getByTestId('train-error')).toHaveText('Training was cancelled.', { timeout: 30_000 });
  await expect(page.getByTestId('train-run')).toBeEnabled();
  expect(problems).toEqual([]);
});

test('Train view: a simulated scenario trains without files, and "Replay with this model" plays it in the Live view', async ({ page }) => {
  const problems = watch(page);
  await page.goto('/?view=train');
  await expect(page.getByTestId('train-source-sim')).toBeChecked({ timeout: 30_000 });
  await page.getByTestId('train-sim-rows').fill('20000');
  await page.getByTestId('train-detector').selectOption('iforest');
  await page.getByTestId('setting-n_estimators').fill('40');
  await page.getByTestId('train-run').click();
  await expect(page.getByTestId('train-scores')).toBeVisible({ timeout: 90_000 });
  expect(
    Number(
      await page
        .getByTestId('train-heldout')
        .innerText()
        .then((t) => t.replace(/,/g, '')),
    ),
  ).toBeGreaterThan(5000);
  await page.getByTestId('model-replay').click();
  await expect(page.getByTestId('tab-live')).toHaveAttribute('aria-current', 'page');
  await expect.poll(async () => Number((await page.getByTestId('count-scored').innerText()).replace(/,/g, '')), { timeout: 60_000 }).toBeGreaterThan(0);
  expect(problems).toEqual([]);
});
