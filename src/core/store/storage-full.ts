/**
 * A write refused because the browser's storage quota is used up. The detect worker
 * shows its message (one sentence) and stops storing; nothing crashes.
 */
export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';
  constructor(what: string, options?: { cause?: unknown }) {
    super(`Browser storage is full: ${what} could not be saved; delete old runs or models, or lower the retention limit, to make room.`, options);
  }
}

/** True for a StorageFullError, also one that crossed a worker boundary (where only the name survives). */
export function isStorageFullError(e: unknown): boolean {
  return e instanceof StorageFullError || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'StorageFullError');
}

/** True for the errors IndexedDB raises when the quota is exceeded (on a request, or as the transaction's abort reason). */
export function isQuotaError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const name = (e as { name?: unknown }).name;
  // Firefox's legacy name, and Safari/Chromium's
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}
