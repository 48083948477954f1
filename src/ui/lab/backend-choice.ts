/**
 * The user's TensorFlow.js backend (`?backend=auto|wasm|webgpu`, default auto) reaches the
 * workers in their names: a worker cannot read the page's address, and the name is there
 * before its first line runs. The worker checks the value (workers/tf-host.ts).
 */
export function workerName(role: string): string {
  const choice = new URLSearchParams(location.search).get('backend');
  return choice ? `${role} backend=${encodeURIComponent(choice)}` : role;
}
