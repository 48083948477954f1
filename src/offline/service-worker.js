/*
 * The lab's service worker: after one visit the page works offline. The build fills in
 * the list of every file of the built site and a hash of it, so a
 * new build replaces the old cache in one step. Only this origin's GET requests are
 * handled; nothing else is fetched or cached.
 */
const VERSION = self.__VERSION__;
const PRECACHE = self.__PRECACHE__;
const CACHE = `iomt-anomaly-lab-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('iomt-anomaly-lab-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  // the page itself: the network first so a new build shows at once, the cached copy offline
  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(() => caches.match('./index.html', { ignoreSearch: true, ignoreVary: true })));
    return;
  }
  // hashed assets, wasm, default models and data never change under one name; the cached
  // copy was fetched without an Origin header, so a module script's request must ignore Vary
  event.respondWith(caches.match(request, { ignoreSearch: true, ignoreVary: true }).then((hit) => hit ?? fetch(request)));
});
