import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { HOSTILE_LABELS, hostileLabels, hugeHeader, junkCapture, manyClasses, TRAP_HOST, undecodableCapture } from '../hostile-inputs';
import { startMosquitto } from '../support/servers';
import { SHARED } from '../unit/sources';
import { watch } from './page-problems';
import { newestStoredRun } from './stored-runs';

/**
 * What a file can do to the built site (the command line's twin is
 * tests/unit/hostile-cli.test.ts): labels that are markup or formulas, thousands of
 * classes, a 10 MB header line, a reload in the middle of a replay, captures that are junk or
 * undecodable, a live MQTT feed of hostile messages. Every test ends with
 * no console error, no uncaught error and no request off the origin (page-problems.ts):
 * an `<img>` from a label would be one of them, even if the CSP stopped it.
 */
const botIotLines = readFileSync(SHARED + 'botiot_35col_sample.csv', 'utf8').split(/\r?\n/);

let problems: string[] = [];
test.beforeEach(({ page }) => {
  problems = watch(page);
});
test.afterEach(() => {
  expect(problems, 'no console errors, no page errors and no request off the origin').toEqual([]);
});

const COUNTERS = ['read', 'scored', 'stored', 'skipped', 'alerts'] as const;
type Counts = Record<(typeof COUNTERS)[number], number>;

async function counters(page: Page): Promise<Counts> {
  const texts = await page.evaluate((names) => names.map((n) => document.querySelector(`[data-testid=count-${n}]`)?.textContent ?? ''), [...COUNTERS]);
  return Object.fromEntries(COUNTERS.map((n, i) => [n, Number(texts[i])])) as Counts;
}

/** a replay of `file` as fast as it goes, until all `rows` are read, scored and stored */
async function replayAll(page: Page, file: { name: string; buffer: Buffer }, rows: number): Promise<Counts> {
  await page.goto('/?view=live&rate=max');
  await page.getByTestId('file-input').setInputFiles({ name: file.name, mimeType: 'text/csv', buffer: file.buffer });
  await expect
    .poll(
      async () => {
        const c = await counters(page);
        return c.read === rows && c.read === c.scored + c.skipped && c.stored === c.scored;
      },
      { timeout: 90_000 },
    )
    .toBe(true);
  return counters(page);
}

/** nothing from a label became an element: no trap image, no style element of ours, the page still shown */
async function expectNoInjection(page: Page) {
  const found = await page.evaluate(
    (host) => ({
      images: [...document.querySelectorAll('img')].filter((i) => i.src.includes(host)).length,
      styles: [...document.querySelectorAll('style')].filter((s) => s.textContent?.includes('display:none!important')).length,
      bodyShown: getComputedStyle(document.body).display !== 'none',
    }),
    TRAP_HOST,
  );
  expect(found).toEqual({ images: 0, styles: 0, bodyShown: true });
}

/** moves the mouse over a chart on a grid and returns the text of every tooltip shown */
async function tooltipTexts(page: Page, testid: string): Promise<string[]> {
  const chart = page.getByTestId(testid).first();
  await chart.scrollIntoViewIfNeeded();
  const box = (await chart.boundingBox())!;
  const texts = new Set<string>();
  for (let y = box.y + 10; y < box.y + box.height - 20; y += 8) {
    for (let x = box.x + 155; x < box.x + box.width - 20; x += Math.max(12, (box.width - 175) / 6)) {
      await page.mouse.move(x, y);
      const text = await page.evaluate(() => {
        // ECharts' HTML tooltip: the div it appends inside the chart's host, shown while hovering
        const tips = [...document.querySelectorAll<HTMLElement>('[data-testid] > div:not(:first-child)')].filter(
          (d) => d.style.display !== 'none' && d.style.opacity !== '0',
        );
        return tips.map((d) => ({ text: d.innerText, elements: d.querySelectorAll('img, style, script').length }));
      });
      for (const t of text) {
        expect(t.elements, 'a tooltip holds no element from a label').toBe(0);
        if (t.text) texts.add(t.text);
      }
    }
  }
  return [...texts];
}

test('labels that are markup or formulas are shown as text, inject nothing, and export as text a spreadsheet will not run', async ({ page }) => {
  const file = hostileLabels(600);
  const c = await replayAll(page, file, 600);
  expect(c.read).toBe(c.scored + c.skipped);
  await expectNoInjection(page);
  // the heatmap's tooltips show the label's characters, not an image
  const tips = await tooltipTexts(page, 'chart-heatmap');
  expect(tips.some((t) => t.includes(`<img src=http://${TRAP_HOST}`))).toBe(true);
  await expectNoInjection(page);

  await page.getByTestId('tab-history').click();
  await page.getByTestId('history-row').first().getByTestId('history-open').click();
  await expect(page.getByTestId('chart-heatmap')).toBeVisible();
  await expectNoInjection(page);
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('export-csv').click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv).toContain(`"'=HYPERLINK(""http://${TRAP_HOST}"",""click"")"`);
  expect(csv).toContain(`"'@SUM(1+1)"`);
  expect(csv).toContain(`"'+cmd|' /C calc'!A0"`);
  expect(csv).toContain(',Recon/Port\\Scan,');
  // every data line starts with a number: no cell of the class column begins a formula
  for (const line of csv.trim().split('\n').slice(1)) expect(line).toMatch(/^[\d.]+,/);
});

test('five thousand classes: the charts draw the top classes and "other", and the table lists them all', async ({ page }) => {
  await replayAll(page, manyClasses(5000), 5000);
  for (const id of ['chart-heatmap', 'chart-class-rate']) {
    const box = (await page.getByTestId(id).boundingBox())!;
    expect(box.height, `${id} stays a readable size`).toBeLessThan(600);
  }
  const table = page.getByTestId('class-table');
  await expect(table).toContainText('All 5,000 classes');
  await table.locator('summary').click();
  await expect(table.locator('tbody tr')).toHaveCount(5000);
  const tips = await tooltipTexts(page, 'chart-class-rate');
  expect(tips.some((t) => /other \([\d,]+ classes\)/.test(t))).toBe(true);

  await page.getByTestId('tab-history').click();
  await page.getByTestId('history-row').first().getByTestId('history-open').click();
  const box = (await page.getByTestId('chart-heatmap').boundingBox())!;
  expect(box.height).toBeLessThan(600);
  await expect(page.getByTestId('class-table')).toContainText('All 5,000 classes');
});

test('a 10 MB header line gets one short sentence, and the page keeps its width', async ({ page }) => {
  await page.goto('/?view=live');
  await page.getByTestId('file-input').setInputFiles({ name: 'huge-header.csv', mimeType: 'text/csv', buffer: hugeHeader().buffer });
  const error = page.getByTestId('run-error');
  await expect(error).toContainText(/characters\)/, { timeout: 60_000 });
  expect((await error.textContent())!.length).toBeLessThan(400);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);

  await page.goto('/?view=data');
  await page.getByTestId('data-file-input').setInputFiles({ name: 'huge-header.csv', mimeType: 'text/csv', buffer: hugeHeader().buffer });
  await expect(page.getByTestId('data-error')).toContainText(/characters\)/, { timeout: 60_000 });
  expect((await page.getByTestId('data-error').textContent())!.length).toBeLessThan(400);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
});

test('a file named .pcap that is no capture, and a capture whose packets all go undecoded, each get one sentence in Live and Data', async ({ page }) => {
  const cases = [
    { file: junkCapture(), says: /junk\.pcap is not a packet capture: it starts with neither a pcap nor a pcapng header/i },
    {
      file: undecodableCapture(),
      says: /no flows could be made from user-link\.pcap: 400 packets read: 0 used, 400 skipped \(400 link type not decoded\); link types not decoded: link type 147: 400; 0 flows made/i,
    },
  ];
  for (const { file, says } of cases) {
    const upload = { name: file.name, mimeType: 'application/vnd.tcpdump.pcap', buffer: file.buffer };
    await page.goto('/?view=live');
    await page.getByTestId('file-input').setInputFiles(upload);
    await expect(page.getByTestId('run-error')).toContainText(says, { timeout: 60_000 });
    await page.goto('/?view=data');
    await page.getByTestId('data-file-input').setInputFiles(upload);
    await expect(page.getByTestId('data-error')).toContainText(says, { timeout: 60_000 });
  }
});

test('a live feed of hostile messages: markup labels stay text; junk, Latin-1 and another dialect are skipped and counted', async ({ page }) => {
  const broker = await startMosquitto();
  try {
    const hostile = hostileLabels(200).buffer.toString('utf8').trim().split('\n');
    const [header, ...rows] = hostile;
    const names = header.split(',');
    const publish = (payload: Buffer | string) =>
      execFileSync('mosquitto_pub', ['-p', String(broker.port), '-t', 'ward/1/flows', '-s'], { input: payload, stdio: ['pipe', 'ignore', 'ignore'] });
    await page.goto(`/?view=live&detector=iforest&broker=${encodeURIComponent(broker.wsUrl)}&topic=${encodeURIComponent('ward/+/flows')}`);
    await page.getByTestId('start').click();
    await expect(page.getByTestId('feed-state')).toContainText('waiting for the first flows', { timeout: 30_000 });
    // 200 labelled rows as CSV (every fifth label markup or a formula), then the same as NDJSON
    publish(`${header}\n${rows.join('\n')}\n`);
    const ndjson = rows.map((line) => {
      const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) =>
        c
          .replace(/,$/, '')
          .replace(/^"(.*)"$/s, '$1')
          .replace(/""/g, '"'),
      );
      return JSON.stringify(Object.fromEntries(names.map((n, i) => [n, i < names.length - 1 ? Number(cells[i]) : cells[i]])));
    });
    publish(ndjson.join('\n') + '\n');
    // skipped and counted: binary junk, Latin-1 text that is no header (one record each), three BoT-IoT rows (not the model's dialect)
    publish(Buffer.from([0x00, 0xff, 0xfe, 0x89, 0x50, 0x4e, 0x47, 0x0a]));
    publish(Buffer.from('caf\u00e9,cr\u00e8me\n1,2\n', 'latin1'));
    publish(botIotLines.slice(0, 4).join('\n') + '\n');
    await expect.poll(async () => (await counters(page)).stored, { timeout: 90_000 }).toBe(400);
    await expect.poll(async () => (await counters(page)).skipped, { timeout: 30_000 }).toBe(5);
    const c = await counters(page);
    expect(c).toMatchObject({ read: 405, scored: 400 });
    await expectNoInjection(page);
    // the labels reached the page as their own characters
    const tips = await tooltipTexts(page, 'chart-heatmap');
    expect(tips.some((t) => t.includes(HOSTILE_LABELS[0]))).toBe(true);
    await expectNoInjection(page);
    await page.getByTestId('stop').click();
  } finally {
    await broker.close();
  }
});

test('a reload during a replay: History says "interrupted" at once, with counters and alerts from what the store holds', async ({ page }) => {
  await page.goto('/?view=live&autostart=1&rate=2000');
  await expect.poll(async () => (await counters(page)).stored, { timeout: 30_000 }).toBeGreaterThan(2000);
  await page.goto('/?view=history');
  const row = page.getByTestId('history-row').first();
  // at once: well before the 30 s a saved run used to be given to prove it was not live
  await expect(row.getByTestId('history-interrupted')).toBeVisible({ timeout: 10_000 });
  await row.getByTestId('history-open').click();
  await expect(page.getByTestId('history-interrupted-note')).toContainText(/^Interrupted: the page closed while this run played/);
  const { run, rows, flagged } = await newestStoredRun(page);
  expect(run!.summary!.state).toBe('interrupted');
  const held = { rows, flagged, counters: run!.summary!.counters };
  expect(held.counters.stored).toBe(held.rows);
  expect(held.counters.alerts).toBe(held.flagged);
  expect(held.counters.read).toBe(held.counters.scored + held.counters.skipped);
  const shown = await counters(page);
  expect(shown).toMatchObject({ stored: held.rows, alerts: held.flagged, read: held.counters.read });
});

test('the Content-Security-Policy is sent and kept: a <style> or an outside <img> put into the page does nothing', async ({ page }) => {
  const response = await page.goto('/?view=data');
  expect(response!.headers()['content-security-policy']).toMatch(/style-src 'self'(;|$)/);
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(meta).toMatch(/img-src 'self' data:(;|$)/);
  // the browser may announce the image request, but the policy must stop it before the network
  const answered: string[] = [];
  const blocked: string[] = [];
  page.on('response', (r) => r.url().includes(TRAP_HOST) && answered.push(r.url()));
  page.on('requestfailed', (r) => r.url().includes(TRAP_HOST) && blocked.push(r.failure()?.errorText ?? ''));
  const violations = await page.evaluate(async (host) => {
    const seen: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) => seen.push(e.effectiveDirective));
    document.head.insertAdjacentHTML('beforeend', '<style>body{display:none!important}</style>');
    document.body.insertAdjacentHTML('beforeend', `<img src="http://${host}/x.png">`);
    await new Promise((r) => setTimeout(r, 300));
    return { seen, hidden: getComputedStyle(document.body).display === 'none' };
  }, TRAP_HOST);
  expect(violations.hidden).toBe(false);
  // (each reported once per policy: the header's and the page's own)
  expect([...new Set(violations.seen)].sort()).toEqual(['img-src', 'style-src-elem']);
  expect(answered).toEqual([]);
  expect(blocked.length).toBeGreaterThan(0);
  // Chromium names the cause: the policy stopped it
  expect([...new Set(blocked)]).toEqual(['csp']);
  // the refusals are what this test provoked on purpose
  problems = problems.filter((p) => !/Content Security Policy/.test(p) && !p.includes(TRAP_HOST));
});

test('a saved model whose files disagree is refused at load with one sentence', async ({ page }) => {
  const pipeline = JSON.parse(readFileSync(new URL('../../public/models/iforest/pipeline.json', import.meta.url), 'utf8'));
  pipeline.preprocessor.steps = pipeline.preprocessor.steps.slice(0, -5);
  const dir = mkdtempSync(join(tmpdir(), 'cut-model-'));
  writeFileSync(join(dir, 'pipeline.json'), JSON.stringify(pipeline));
  await page.goto('/?view=train');
  // the page reads the file after setInputFiles returns: the folder goes only once the answer is shown
  try {
    await page.getByTestId('model-file-input').setInputFiles(join(dir, 'pipeline.json'));
    await expect(page.getByTestId('model-error')).toHaveText(
      /^These files are not a model this lab can load: the saved model's parts disagree: its preprocessor gives \d+ columns but its iforest detector takes \d+\.?$/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
