/**
 * Gives the event loop one turn: in a worker, a message waiting in its queue (an abort,
 * a progress request) gets through during long synchronous work.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * For long synchronous work: a function to await between units of it, which gives the
 * event loop a turn once every `ms` (and costs a clock read otherwise).
 */
export function yielder(ms = 50): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < ms) return;
    await nextTurn();
    last = performance.now();
  };
}
