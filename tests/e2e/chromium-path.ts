import { accessSync, constants } from 'node:fs';

/** Chromium's switches for every browser test: the network is closed, so Chromium's own background traffic is off */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/** Debian's Chromium, where `apt-get install chromium` puts it */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * The Chromium the browser tests drive: CHROMIUM_PATH, else Debian's. When it is not
 * there, says in one sentence what to install or set, and stops before Playwright would
 * fail deep inside a browser launch.
 */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const problem = chromiumProblem(env);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
  return env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
}

/** the sentence for a missing Chromium, or null when the one to use is there */
export function chromiumProblem(env: NodeJS.ProcessEnv, fallback = DEFAULT_CHROMIUM): string | null {
  const path = env.CHROMIUM_PATH || fallback;
  if (runnable(path)) return null;
  return env.CHROMIUM_PATH
    ? `The browser tests need Chromium, but CHROMIUM_PATH names ${path}, which is not an executable file: point it at a Chromium binary.`
    : `The browser tests need Debian's Chromium at ${path}: install it (sudo apt-get install chromium) or set CHROMIUM_PATH to another Chromium binary.`;
}

function runnable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
