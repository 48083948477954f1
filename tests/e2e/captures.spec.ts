import { expect, test, type Page } from '@playwright/test';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRealCaptures, tsharkPackets, type RealCaptures } from '../unit/packets/real-traffic';
import { watch } from './page-problems';
import { newestStoredRun } from './stored-runs';

/**
 * Packet captures in the page: real captures, made here by real programs over the loopback
 * interface (curl against a local HTTP server recorded by tcpdump on `lo` and on `any`; an
 * hping3 SYN flood, 3,000 packets), dropped on the Data view and on the Live view. The
 * packets read must be what tshark (Debian's dissector) counts in the same files, read =
 * decoded + skipped, and every flow made must be scored and stored (but the windows the end of
 * the capture cut short: skipped, counted).
 */
let captures: RealCaptures;
let problems: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(60_000);
  captures = await makeRealCaptures(['http-lo', 'syn-flood']);
});

test.afterAll(() => captures?.close());

test.beforeEach(({ page }) => {
  problems = watch(page);
});

test.afterEach(() => {
  expect(problems, 'no console errors and no request off the origin').toEqual([]);
});

/** a counter of the page as a plain integer */
async function count(page: Page, testid: string): Promise<number> {
  const text = (await page.getByTestId(testid).first().textContent())?.trim() ?? '';
  expect(text, `${testid} is a plain integer`).toMatch(/^\d+$/);
  return Number(text);
}

test('the Data view shows what two captures held: packets read = decoded + skipped, their link types, the flows made; Train trains on them', async ({
  page,
}) => {
  const files = [captures.files['http-lo'], captures.files['http-any']];
  const packets = files.reduce((a, f) => a + tsharkPackets(f).length, 0);
  await page.goto('/?view=data');
  await page.getByTestId('data-file-input').setInputFiles(files);
  await expect(page.getByTestId('packet-counters')).toBeVisible({ timeout: 30_000 });
  expect(await count(page, 'packets-read')).toBe(packets);
  const used = await count(page, 'packets-used');
  const skipped = await count(page, 'packets-skipped');
  expect(used + skipped).toBe(packets);
  expect(used).toBeGreaterThan(0);
  // tcpdump -i lo writes Ethernet frames, -i any Linux cooked v2 ones
  const links = page.getByTestId('packets-link-types');
  await expect(links.locator('[data-link="Ethernet"]')).toBeVisible();
  await expect(links.locator('[data-link="Linux cooked v2"]')).toBeVisible();
  const flows = await count(page, 'packets-flows');
  expect(flows).toBeGreaterThan(0);
  await expect(page.getByTestId('data-rows')).toHaveText(flows.toLocaleString('en-US'));
  // a capture has no labels: its flows are neither benign nor attack
  await expect(page.getByTestId('data-unlabelled')).toHaveText(flows.toLocaleString('en-US'));
  await expect(page.getByTestId('data-benign-attack')).toHaveText('0 / 0');

  // the files stay loaded for Train: its unlabelled rows are taken as normal traffic, and the same packet counters show
  await page.getByTestId('tab-train').click();
  await page.getByTestId('train-detector').selectOption('iforest');
  await page.getByTestId('train-run').click();
  await expect(page.getByTestId('train-result')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('train-result')).toContainText('unlabelled');
  expect(await count(page, 'packets-read')).toBe(packets);
  expect(await count(page, 'packets-flows')).toBe(flows);
});

test('a SYN flood capture dropped on Live is replayed: every flow made is scored and stored but the windows its end cut short, and the packets are counted', async ({
  page,
}) => {
  const file = captures.files['syn-flood'];
  const packets = tsharkPackets(file).length;
  // each device whose packets do not fill its last window of 10 leaves a fragment when the capture ends: skipped, not scored
  const perDevice = new Map<string, number>();
  for (const p of tsharkPackets(file)) perDevice.set(p.device, (perDevice.get(p.device) ?? 0) + 1);
  const cut = [...perDevice.values()].filter((n) => n % 10 !== 0).length;
  await page.goto('/?view=live&rate=max');
  await page.getByTestId('file-input').setInputFiles(file);
  await expect(page.getByTestId('packet-counters')).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => count(page, 'packets-read'), { timeout: 30_000 }).toBe(packets);
  const flows = await count(page, 'packets-flows');
  await expect.poll(() => count(page, 'count-read'), { timeout: 30_000 }).toBe(flows);
  await expect.poll(async () => (await count(page, 'count-stored')) === flows - cut, { timeout: 30_000 }).toBe(true);
  expect(await count(page, 'count-scored')).toBe(flows - cut);
  expect(await count(page, 'count-skipped')).toBe(cut);
  expect((await count(page, 'packets-used')) + (await count(page, 'packets-skipped'))).toBe(packets);
  // stored in the page's IndexedDB, counters with it
  await expect.poll(async () => (await newestStoredRun(page)).run?.summary?.counters.stored, { timeout: 10_000 }).toBe(flows - cut);
  const db = await newestStoredRun(page);
  expect(db.rows).toBe(flows - cut);
  // unlabelled flows: no recall and no confusion are shown for them
  await expect(page.getByTestId('live-confusion')).toHaveCount(0);
  await expect(page.getByTestId('live-confusion-unlabelled')).toBeVisible();
  await expect(page.getByTestId('tile-recall')).toHaveText('–');
  // each alert names the machine that sent the window's packets: an address tshark sees as a source in the capture
  const sources = new Set(tsharkPackets(file).map((p) => p.device));
  const devices = await page.getByTestId('alert-device').allTextContents();
  expect(devices.length, 'the flood raised alerts').toBeGreaterThan(0);
  for (const device of devices) expect(sources, `alert device ${device}`).toContain(device.trim());
  // and the Alerts inbox groups them by that device
  await page.getByTestId('tab-alerts').click();
  const firstCells = page.locator('[data-testid="alert-group"] td:first-child');
  await expect(firstCells.first()).toBeVisible({ timeout: 10_000 });
  const groups = await firstCells.allTextContents();
  for (const device of groups) expect(sources).toContain(device.trim());
});

test('Model comparison on captures labelled by their file names shows what the captures held', async ({ page }) => {
  // the CICIoMT2024 file-name rule labels a whole capture, as for the dataset's CSV files
  const files = [
    { from: captures.files['http-lo'], name: 'Benign_train.pcap' },
    { from: captures.files['syn-flood'], name: 'TCP_IP-DoS-SYN_train.pcap' },
  ].map(({ from, name }) => {
    const to = join(captures.dir, name);
    copyFileSync(from, to);
    return to;
  });
  const packets = files.reduce((a, f) => a + tsharkPackets(f).length, 0);
  await page.goto('/?view=compare');
  await page.getByTestId('compare-file-input').setInputFiles(files);
  await page.getByTestId('compare-run').click();
  await expect(page.getByTestId('compare-table')).toBeVisible({ timeout: 110_000 });
  await expect(page.getByTestId('packet-counters')).toHaveCount(1);
  expect(await count(page, 'packets-read')).toBe(packets);
  expect((await count(page, 'packets-used')) + (await count(page, 'packets-skipped'))).toBe(packets);
  expect(await count(page, 'packets-flows')).toBeGreaterThan(0);
});
