import { expect, test } from '@playwright/test';
import { leavesOrigin, watch } from './page-problems';

/** The problems collector every spec uses: a request off the site's origin is a problem, one to it is not. */

test('a request off the origin is a problem, one to the origin, a blob: or a data: URL is not', async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const problems = watch(page);
  await page.route(`${origin}/__probe.html`, (r) => r.fulfill({ contentType: 'text/html', body: '<p>probe</p>' }));
  await page.route(`${origin}/__probe.txt`, (r) => r.fulfill({ contentType: 'text/plain', body: 'here' }));
  await page.route('http://elsewhere.invalid/**', (r) => r.fulfill({ contentType: 'text/plain', body: 'there' }));
  await page.goto('/__probe.html');
  expect(problems).toEqual([]);
  await page.evaluate(async () => {
    await fetch('/__probe.txt');
    await fetch(URL.createObjectURL(new Blob(['blob'])));
    await fetch('data:text/plain,data');
    await fetch('http://elsewhere.invalid/x', { mode: 'no-cors' });
  });
  expect(problems).toEqual(['request left the origin: http://elsewhere.invalid/x']);

  const port = Number(new URL(origin).port || 80);
  expect(leavesOrigin(`${origin}/index.html`, origin)).toBe(false);
  expect(leavesOrigin(`http://127.0.0.1:${port + 1}/`, origin)).toBe(true);
  expect(leavesOrigin('https://cdn.example.com/tf.wasm', origin)).toBe(true);
  expect(leavesOrigin(`blob:${origin}/0b1c`, origin)).toBe(false);
  expect(leavesOrigin('data:text/plain,x', origin)).toBe(false);
});
