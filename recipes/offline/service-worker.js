// The service worker (recipes/offline/): served at the site's root (/sw.js), so its scope is the
// whole site, with its settings above it (self.OFFLINE); static/offline.js registers it once a page
// has loaded. Hand-written, no library.
//
// - The shell (this version's stylesheets, scripts, icons, the offline page and the manifest) is
//   kept in a cache named after the version; a new version of the app is a new worker (these bytes
//   change), which takes over at once (skipWaiting, clients.claim) and drops the old shell. Pages
//   are rendered by the server and load their assets afresh, so nothing in an open page is lost
//   that a "reload for the new version" prompt would have saved: it would only be one more tap.
// - Pages, and everything else but the shell, come from the network first (fresh when online).
//   What the server marked (the Offline-Keep header: recipes/offline/keeping.py says what) is kept
//   too, for the account it names (Offline-Account): one account's copies at a time, in a cache of
//   its own. A page for another account, or for nobody signed in, and the copies are forgotten.
// - With no network: the kept copy (a recipe or cook mode page at another scale or step stands in
//   for the one asked), marked for static/offline.js to say it is a copy; a page never kept is the
//   offline page, which lists what is kept. Form posts and the API's changes never come here (they
//   need the network; static/shopping.js queues a list's changes itself).
"use strict";

// What the server put above this file (recipes/offline/views.py): this version's shell and the
// names of the headers recipes/offline/keeping.py sets.
const {
  version: VERSION,
  shell: SHELL,
  scope: SCOPE,
  offlinePage: OFFLINE_PAGE,
  keepHeader: KEEP,
  accountHeader: ACCOUNT,
  shellHeader: SHELL_HEADER,
  mostKept: MOST_KEPT,
} = self.OFFLINE;
const LOOSE = new Set(self.OFFLINE.looseKinds);
// Set on the copies kept here: when, and the page's title (for the offline page's list).
const KEPT_AT = "Offline-Kept-At";
const TITLE = "Offline-Title";
// Set on a copy answered with no network (static/shopping.js reads it on a list's state).
const COPY = "Offline-Copy";

const SHELL_CACHE = `recipes-shell-${VERSION}`;
const PAGES = "recipes-pages-"; // + the account's key
const SHELL_PATHS = new Set(SHELL.map((url) => new URL(url, self.location.href).pathname));
const WORKER_PATH = new URL(self.location.href).pathname;

// The server runs another version than this worker's (a page said so): until the new worker takes
// over, the shell comes from the network too.
let stale = false;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      // A first worker (none before it: a new browser, or the last one removed at logout by
      // Clear-Site-Data) starts with nothing kept, not even a copy a removed worker wrote late.
      if (!self.registration.active) await forgetPages();
      const cache = await caches.open(SHELL_CACHE);
      // Without credentials: the shell is nobody's (the offline page is fetched as a stranger's).
      await cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload", credentials: "omit" })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("recipes-shell-") && name !== SHELL_CACHE) await caches.delete(name);
      }
      if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // forms and the API's changes: straight to the network
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !url.pathname.startsWith(SCOPE) || url.pathname === WORKER_PATH) return;
  if (SHELL_PATHS.has(url.pathname)) {
    // A navigation's preload (the offline page opened online) is not needed: let it settle quietly.
    if (request.mode === "navigate") event.waitUntil(Promise.resolve(event.preloadResponse).catch(() => {}));
    event.respondWith(fromShell(request));
  } else {
    event.respondWith(fromNetwork(event));
  }
});

// A cook mode timer's notification: back to the cooking.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const cooking = windows.find((client) => new URL(client.url).pathname.endsWith("/cook")) || windows[0];
      if (cooking) return cooking.focus();
      return self.clients.openWindow(SCOPE);
    })(),
  );
});

// --- the shell ---------------------------------------------------------------------------------------

async function fromShell(request) {
  const cache = await caches.open(SHELL_CACHE);
  if (!stale) {
    const kept = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
    if (kept) return kept;
  }
  try {
    return await fetch(request);
  } catch (error) {
    return (await cache.match(request, { ignoreSearch: true, ignoreVary: true })) || Response.error();
  }
}

// --- everything else: the network first ---------------------------------------------------------------

async function fromNetwork(event) {
  const request = event.request;
  let response;
  try {
    response = (request.mode === "navigate" && (await event.preloadResponse)) || (await fetch(request));
  } catch (error) {
    return offline(request);
  }
  const account = response.headers.get(ACCOUNT);
  // Only what is kept is copied: a download passing through is not held in memory twice.
  const copy = account && response.status === 200 && response.headers.has(KEEP) ? response.clone() : null;
  event.waitUntil(learn(request, response, account, copy).catch(() => {}));
  return response;
}

const isHtml = (headers) => (headers.get("Content-Type") || "").startsWith("text/html");

async function learn(request, response, account, copy) {
  if (request.mode === "navigate") {
    const version = response.headers.get(SHELL_HEADER);
    if (version && version !== VERSION && !stale) {
      stale = true;
      self.registration.update().catch(() => {});
    }
  }
  if (response.type === "opaqueredirect" || response.status >= 500) return;
  if (!account) {
    // A page for nobody signed in: whoever uses this browser now does not read the last one's copies.
    if (request.mode === "navigate" && isHtml(response.headers)) await forgetPages();
    return;
  }
  const cache = await pagesOf(account);
  if (copy) await keep(cache, request, copy);
}

async function forgetPages(except = "") {
  for (const name of await caches.keys()) {
    if (name.startsWith(PAGES) && name !== except) await caches.delete(name);
  }
}

async function pagesOf(account) {
  const name = PAGES + account;
  await forgetPages(name);
  return caches.open(name);
}

async function currentPages() {
  const name = (await caches.keys()).find((found) => found.startsWith(PAGES));
  return name ? caches.open(name) : null;
}

async function keep(cache, request, copy) {
  const headers = new Headers(copy.headers);
  headers.set(KEPT_AT, new Date().toISOString());
  let body;
  if (isHtml(copy.headers)) {
    body = await copy.text();
    const title = /<title>([^<]*)<\/title>/i.exec(body);
    headers.set(TITLE, encodeURIComponent(title ? title[1].trim() : ""));
  } else {
    body = await copy.blob();
  }
  await cache.put(request.url, new Response(body, { status: copy.status, statusText: copy.statusText, headers }));
  // A copy put again goes to the end: past MOST_KEPT, those kept longest ago go.
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - MOST_KEPT))) await cache.delete(old);
}

// --- no network ----------------------------------------------------------------------------------------

async function offline(request) {
  const cache = await currentPages();
  let kept = cache && (await cache.match(request.url, { ignoreVary: true }));
  if (!kept && cache) {
    const near = await cache.match(request.url, { ignoreSearch: true, ignoreVary: true });
    if (near && LOOSE.has(near.headers.get(KEEP))) kept = near;
  }
  if (kept) return copyOf(kept, request);
  if (request.mode === "navigate") {
    const page = await caches.match(OFFLINE_PAGE, { cacheName: SHELL_CACHE });
    if (page) return page;
  }
  return Response.error();
}

async function copyOf(kept, request) {
  const at = kept.headers.get(KEPT_AT) || "";
  const headers = new Headers(kept.headers);
  headers.set(COPY, at);
  if (request.mode === "navigate" && isHtml(kept.headers) && /^[0-9T:.Z-]*$/.test(at)) {
    // static/offline.js reads this: the page says it is the copy kept then.
    const text = (await kept.text()).replace(/<html\b/i, `<html data-kept-at="${at}"`);
    return new Response(text, { status: 200, headers });
  }
  return new Response(kept.body, { status: kept.status, statusText: kept.statusText, headers });
}
