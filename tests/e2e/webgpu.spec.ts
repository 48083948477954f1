import { chromium, expect, test, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './chromium-path';
import { watch } from './page-problems';
import { SHARED } from '../unit/sources';

/**
 * The TensorFlow.js backend choice (`?backend=auto|wasm|webgpu`). The test Chromium has no
 * GPU: by default it offers no WebGPU adapter and the lab runs WebAssembly, never fetching
 * the webgpu package. Launched with SwiftShader's WebGPU adapter (a software one, which
 * `auto` passes over), `backend=webgpu` trains and scores an autoencoder on it, and its
 * scores match WebAssembly's within float32 tolerance: the two backends sum in different
 * orders, so a few epochs of training drift a little, never by much.
 */
const SAMPLE = SHARED + 'botiot_12col_subset_sample.csv';
/** the marker of the webgpu package's chunk (one of its flag names) */
const WEBGPU_CHUNK = 'WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE';
/**
 * Per-class median scores may differ by this fraction plus one unit of the four decimals
 * the report shows; ROC-AUC by this much. (Measured: the two agree to all shown digits.)
 */
const SCORE_RTOL = 0.05;
const SCORE_ATOL = 1e-4;
const AUC_ATOL = 0.01;

/** the site's scripts fetched by the page or its workers, as a set of URLs */
function scriptsFetched(page: Page): Set<string> {
  const urls = new Set<string>();
  page.on('response', (r) => {
    if (r.url().endsWith('.js')) urls.add(r.url());
  });
  return urls;
}

/** how many of `urls` are the webgpu package's chunk (each worker bundle has its own) */
async function webGpuChunks(page: Page, urls: Set<string>): Promise<number> {
  let found = 0;
  for (const url of urls) if ((await (await page.request.get(url)).text()).includes(WEBGPU_CHUNK)) found++;
  return found;
}

interface Evaluation {
  auc: number;
  /** class name → median score */
  medians: Map<string, number>;
}

/** an autoencoder evaluated on the BoT-IoT sample (time split, fixed seed) with `backend` */
async function evaluateAe(page: Page, backend: string): Promise<Evaluation> {
  await page.goto(`/?view=detectors&detector=ae&backend=${backend}`);
  await page.getByTestId('file-input').setInputFiles(SAMPLE);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('split-kind')).toContainText('time', { timeout: 110_000 });
  const auc = Number(await page.getByTestId('roc-auc').innerText());
  const rows = await page.locator('tr:has(td)').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  // the by-class table: class, rows, flagged, rate, median score
  const medians = new Map(rows.filter((cells) => cells.length === 5).map((cells) => [cells[0], Number(cells[4])] as [string, number]));
  return { auc, medians };
}

test('without a WebGPU adapter the lab runs WebAssembly, says why in the tooltip, and never fetches the webgpu package', async ({ page }) => {
  const problems = watch(page);
  const scripts = scriptsFetched(page);
  await page.goto('/?view=live');
  const header = page.getByTestId('backend');
  await expect(header).toContainText(/TensorFlow\.js wasm \+ SIMD, (single-threaded|\d+ threads)/);
  await expect(header).toHaveAttribute('title', /WebGPU is not used: (this browser does not offer WebGPU|the browser found no WebGPU adapter)/);
  expect(await webGpuChunks(page, scripts)).toBe(0);
  expect(problems).toEqual([]);
});

/** a page of a Chromium that offers SwiftShader's WebGPU adapter (needs a secure context: 127.0.0.1 is one) */
const onSwiftShader = test.extend({
  page: async ({ baseURL, viewport }, use) => {
    const args = [...CHROMIUM_ARGS.filter((a) => a !== '--disable-gpu'), '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];
    const browser = await chromium.launch({ executablePath: chromiumPath(), args });
    try {
      await use(await (await browser.newContext({ baseURL, viewport })).newPage());
    } finally {
      await browser.close();
    }
  },
});

test.describe('on SwiftShader’s WebGPU adapter', () => {
  onSwiftShader('auto passes over a software adapter and runs WebAssembly', async ({ page }) => {
    const problems = watch(page);
    await page.goto('/?view=live');
    const header = page.getByTestId('backend');
    await expect(header).toContainText('TensorFlow.js wasm');
    await expect(header).toHaveAttribute('title', /WebGPU is not used: the only WebGPU adapter \(.+\) is a software one/);
    expect(problems).toEqual([]);
  });

  onSwiftShader('backend=webgpu trains and scores an autoencoder on WebGPU, with the scores of WebAssembly', async ({ page }) => {
    const problems = watch(page);
    const scripts = scriptsFetched(page);
    const gpu = await evaluateAe(page, 'webgpu');
    const header = page.getByTestId('backend');
    await expect(header).toContainText(/TensorFlow\.js webgpu on \S+/);
    await expect(header).toHaveAttribute('title', /software adapter/);
    // the train worker (fit and score) and the detect worker both loaded it
    expect(await webGpuChunks(page, scripts)).toBe(2);

    const wasm = await evaluateAe(page, 'wasm');
    await expect(header).toContainText('TensorFlow.js wasm');
    expect(Math.abs(gpu.auc - wasm.auc)).toBeLessThanOrEqual(AUC_ATOL);
    expect([...gpu.medians.keys()].sort()).toEqual([...wasm.medians.keys()].sort());
    expect(gpu.medians.size).toBeGreaterThan(1);
    for (const [name, median] of wasm.medians) {
      expect(Math.abs(gpu.medians.get(name)! - median), `median score of ${name}`).toBeLessThanOrEqual(SCORE_RTOL * Math.abs(median) + SCORE_ATOL);
    }
    expect(problems).toEqual([]);
  });
});
