import { messageOf } from '../core/util';
/**
 * Registers the service worker the build emits (`sw.js`), so the lab works offline after
 * one visit. Only in a production build: the dev server serves modules that change.
 */
export function registerOfflineCache(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`).catch((err: unknown) => {
    console.warn(`Offline use is unavailable: ${messageOf(err)}`);
  });
}
