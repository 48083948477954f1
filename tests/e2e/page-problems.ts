import { test, type Page } from '@playwright/test';

/**
 * Collects what should never happen on the lab's page: console errors, uncaught page
 * errors, and any request that leaves the site's origin (the project's `baseURL`; `blob:`
 * and `data:` URLs stay on the machine) other than to `typed`, origins the test typed into
 * the page as a user would (an InfluxDB address). A test ends with `expect(problems).toEqual([])`.
 */
export function watch(page: Page, typed: string[] = []): string[] {
  const baseURL = test.info().project.use.baseURL;
  if (!baseURL) throw new Error('page-problems: the Playwright config sets no baseURL, so there is no origin to keep requests to');
  const origin = new URL(baseURL).origin;
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (leavesOrigin(r.url(), origin) && !typed.some((t) => !leavesOrigin(r.url(), new URL(t).origin))) problems.push(`request left the origin: ${r.url()}`);
  });
  return problems;
}

/** whether a request to `url` goes anywhere but `origin` (blob: and data: URLs never do) */
export function leavesOrigin(url: string, origin: string): boolean {
  if (url.startsWith('blob:') || url.startsWith('data:')) return false;
  try {
    return new URL(url).origin !== origin;
  } catch {
    return true;
  }
}
