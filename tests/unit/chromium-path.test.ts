import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { chromiumProblem } from '../e2e/chromium-path';

describe('the browser tests on a machine without Chromium', () => {
  it('say in one sentence what to install, or that CHROMIUM_PATH names no browser', () => {
    expect(chromiumProblem({}, '/nonexistent/chromium')).toBe(
      "The browser tests need Debian's Chromium at /nonexistent/chromium: install it (sudo apt-get install chromium) or set CHROMIUM_PATH to another Chromium binary.",
    );
    expect(chromiumProblem({ CHROMIUM_PATH: '/nonexistent/chrome' })).toMatch(
      /^The browser tests need Chromium, but CHROMIUM_PATH names \/nonexistent\/chrome, which is not an executable file/,
    );
    expect(chromiumProblem({ CHROMIUM_PATH: process.execPath })).toBeNull();
  });

  it('stop Playwright before it launches anything, with that sentence and exit code 1', () => {
    const run = spawnSync('npx', ['playwright', 'test', '--list'], {
      encoding: 'utf8',
      env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chrome' },
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^The browser tests need Chromium, but CHROMIUM_PATH names \/nonexistent\/chrome/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
