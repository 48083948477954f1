/** Ends a cancelled fit with the AbortError every fit ends with: "<what> fit aborted". */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new DOMException(`${what} fit aborted`, 'AbortError');
}
