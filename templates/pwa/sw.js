/* Fossa's service worker: the app shell offline, pages from a cache when the network
   is gone, and the offline queue replayed through Background Sync.
   Rendered by webapp/pwa/routes.py; SETTINGS carries the version and the URLs. */
"use strict";

const SETTINGS = {{ settings|tojson }};
const SHELL_CACHE = "fossa-shell-" + SETTINGS.version;
// Not versioned: an update must not lose the pages the person opened before.
// static/js/app.js deletes the same cache on a signed-out page.
const PAGES_CACHE = "fossa-pages";

// The offline queue (self.FossaQueue) and the worker scripts of other features.
importScripts(...SETTINGS.imports);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) =>
      // "reload" skips the HTTP cache, so the shell matches this version's bytes.
      cache.addAll(SETTINGS.precache.map((url) => new Request(url, { cache: "reload" })))
    )
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("fossa-") && name !== SHELL_CACHE && name !== PAGES_CACHE)
            .map((name) => caches.delete(name))
        )
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "skip-waiting") self.skipWaiting();
  if (type === "forget-pages") event.waitUntil(caches.delete(PAGES_CACHE));
  // The page that installed the worker loaded before the worker ran: store it now.
  if (type === "keep-page" && typeof event.data.url === "string") {
    event.waitUntil(keepPage(event.data.url).catch(() => undefined));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag !== self.FossaQueue.SYNC_TAG) return;
  event.waitUntil(
    self.FossaQueue.replay().then((result) => {
      // A rejection asks the browser to try the sync again later.
      // An entry a page's request carries (inFlight) is that page's, unless the page
      // died mid-save: trying again later sends it then.
      if (result.waiting > 0 || result.inFlight > 0) throw new Error("entries still waiting for the network");
    })
  );
});

function startsWithAny(path, prefixes) {
  return prefixes.some((prefix) => path === prefix || path.startsWith(prefix));
}

function storable(response) {
  if (!response || !response.ok || response.type !== "basic" || response.redirected) return false;
  const cacheControl = response.headers.get("Cache-Control") || "";
  return !/no-store/i.test(cacheControl);
}

function isPageRequest(request) {
  // A boosted htmx link asks for the same whole page as a navigation does.
  return request.mode === "navigate" || request.headers.get("HX-Boosted") === "true";
}

// Enough for weeks of daily use; the oldest copies go first.
const MAX_PAGES = 60;

async function storePage(key, response) {
  const type = response.headers.get("Content-Type") || "";
  if (storable(response) && type.startsWith("text/html")) {
    const cache = await caches.open(PAGES_CACHE);
    await cache.delete(key); // re-inserted last, so keys() stays oldest first
    await cache.put(key, response.clone());
    const keys = await cache.keys();
    await Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES)).map((k) => cache.delete(k)));
  }
}

async function keepPage(href) {
  const url = new URL(href, self.location.origin);
  if (url.origin !== self.location.origin || startsWithAny(url.pathname, SETTINGS.neverCached)) return;
  if (SETTINGS.networkOnlyPages.includes(url.pathname)) return;
  const request = new Request(url.href, { credentials: "same-origin" });
  const key = pageKey(request);
  if (await caches.match(key, { cacheName: PAGES_CACHE, ignoreVary: true })) return;
  await storePage(key, await fetch(request));
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (storable(response)) {
    const cache = await caches.open(SHELL_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

function pageKey(request) {
  // Navigations and boosted requests share one copy per URL (the server sends the
  // same page to both; its "Vary: HX-Request" is ignored on lookup for that reason).
  // "source" only tells where a launch came from (home screen, shortcut): the
  // start URL must find the /today the person opened in the browser.
  const url = new URL(request.url);
  url.hash = "";
  url.searchParams.delete("source");
  return url.href;
}

async function offlineFallback() {
  return (await caches.match(SETTINGS.offline)) || Response.error();
}

async function networkFirst(event) {
  const request = event.request;
  const key = pageKey(request);
  const network = fetch(request).then(async (response) => {
    await storePage(key, response);
    return response;
  });
  // Keep the worker alive until the page is stored, even when the cache answered first.
  event.waitUntil(network.catch(() => undefined));
  const cachedCopy = () => caches.match(key, { cacheName: PAGES_CACHE, ignoreVary: true });
  const slow = new Promise((resolve) => setTimeout(resolve, SETTINGS.pageTimeoutMs)).then(
    async () => (await cachedCopy()) || network
  );
  try {
    return await Promise.race([network, slow]);
  } catch (error) {
    return (await cachedCopy()) || offlineFallback();
  }
}

async function forgetPagesThenSend(request) {
  // Someone else may pick up the phone: the person's pages go before the request does.
  await caches.delete(PAGES_CACHE);
  return fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    if (request.method === "POST" && startsWithAny(url.pathname, SETTINGS.forgetPagesOn)) {
      event.respondWith(forgetPagesThenSend(request));
    }
    return; // never cached; a failure reaches the page, which queues entries
  }
  if (startsWithAny(url.pathname, SETTINGS.neverCached)) return;
  if (isPageRequest(request) && SETTINGS.networkOnlyPages.includes(url.pathname)) {
    event.respondWith(fetch(request).catch(offlineFallback));
    return;
  }
  if (url.pathname.startsWith(SETTINGS.staticPrefix) || SETTINGS.precache.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
    return;
  }
  if (isPageRequest(request)) event.respondWith(networkFirst(event));
});
