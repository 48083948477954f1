/** What the hand-written WebAssembly kernels (npm run build:wasm) share: compiling once, and growing their memory. */

const compiled = new Map<string, WebAssembly.Module>();

/** a new instance of the module whose binary is `base64`, compiled once per module */
export function wasmInstance(base64: string): WebAssembly.Instance {
  let module = compiled.get(base64);
  if (!module) {
    module = new WebAssembly.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    compiled.set(base64, module);
  }
  return new WebAssembly.Instance(module);
}

/** grows `memory` to at least `bytes` */
export function reserveMemory(memory: WebAssembly.Memory, bytes: number): void {
  const PAGE = 65_536;
  if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
}
