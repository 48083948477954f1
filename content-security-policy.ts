import type { Plugin } from 'vite';

/**
 * The page's Content-Security-Policy: only what the lab needs.
 * - scripts and workers from the site itself; `wasm-unsafe-eval` to compile TensorFlow.js's
 *   WebAssembly, and `blob:` for its threaded build (it starts its helper threads from a
 *   blob made of its own code; only script already running here can make a blob: URL);
 * - style sheets from the site only: no `<style>` element a label could smuggle in.
 *   Style attributes stay allowed (`style-src-attr`): ECharts writes its HTML tooltips with
 *   them, and no text from a file reaches the page as markup (src/core/text);
 * - images from the site and `data:` URLs only: an injected `<img src=http://…>` loads nothing;
 * - requests (fetch, the service worker) to the site itself, plus `blob:`/`data:` URLs;
 *   WebSockets (`ws:`/`wss:`) and HTTP(S) requests to any host: the Live view's MQTT
 *   source and alert publisher connect to the broker address the user typed, its InfluxDB
 *   output writes to the address the user typed, and no fixed list can name those (only
 *   the site's own scripts run, so only those addresses are ever contacted);
 * - no plugins, no `<base>`, no form posts.
 * The built site carries it as a `<meta>` tag and `vite preview` also sends it as a header
 * (as a host should; `frame-ancestors` works only there). Vite's dev server injects its
 * CSS as `<style>` elements, so `npm start` allows those.
 */
export function contentSecurityPolicy(dev = false): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval' blob:",
    "worker-src 'self' blob:",
    dev ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self' blob: data: ws: wss: http: https:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Puts the policy into index.html (build and dev) and sends it as a header from `vite preview`. */
export function cspPlugin(): Plugin {
  let dev = false;
  return {
    name: 'iomt-content-security-policy',
    configResolved(config) {
      dev = config.command === 'serve' && !config.isProduction;
    },
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy(dev) }, injectTo: 'head-prepend' },
    ],
    configurePreviewServer(server) {
      server.middlewares.use((_req, res, next) => {
        res.setHeader('Content-Security-Policy', `${contentSecurityPolicy()}; frame-ancestors 'none'`);
        next();
      });
    },
  };
}
