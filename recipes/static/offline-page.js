// The offline page (templates/offline/offline.html): what the service worker answers for a page it
// has no copy of, and "What is kept here". Lists the pages this device keeps, by kind, from the
// worker's copies of the signed-in account (their titles as the worker noted them).
"use strict";
(() => {
  const PAGES = "recipes-pages-";
  const listing = document.querySelector("[data-offline-list]");
  const titleOf = (encoded) => {
    let title = "";
    try {
      title = decodeURIComponent(encoded || "");
    } catch {}
    // The <title> as written in the page (entities and all), read as text, never as HTML.
    const text = new DOMParser().parseFromString(`<p>${title.replace(/</g, "&lt;")}</p>`, "text/html").body.textContent;
    return text.replace(/ · Recipes$/, "") || "Untitled";
  };

  const list = async () => {
    if (location.pathname === listing.dataset.offlinePage) {
      // Opened as itself ("What is kept here"), not in place of a page that is missing.
      listing.querySelector("h1").textContent = "Reading offline";
      listing.querySelector("[data-offline-asked]").textContent =
        "The pages you open while signed in are kept on this device, for reading when there is no network.";
    }
    if (!window.caches) {
      listing.querySelector("[data-offline-none]").hidden = false;
      return;
    }
    const name = (await caches.keys()).find((found) => found.startsWith(PAGES));
    const kinds = new Map();
    if (name) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const response = await cache.match(request);
        const kind = response && response.headers.get("Offline-Keep");
        if (!kind || !(response.headers.get("Content-Type") || "").startsWith("text/html")) continue;
        if (!kinds.has(kind)) kinds.set(kind, []);
        let title = titleOf(response.headers.get("Offline-Title"));
        if (kind === "recipes" && new URL(request.url).searchParams.get("favourite")) title = "Your favourites";
        kinds.get(kind).push({ url: request.url, title });
      }
    }
    let shown = 0;
    for (const section of listing.querySelectorAll("[data-offline-kind]")) {
      const pages = (kinds.get(section.dataset.offlineKind) || []).sort((a, b) => a.title.localeCompare(b.title));
      const items = section.querySelector("ul");
      items.replaceChildren(
        ...pages.map((page) => {
          const item = document.createElement("li");
          const link = document.createElement("a");
          link.href = page.url;
          link.textContent = page.title;
          item.append(link);
          return item;
        }),
      );
      section.hidden = !pages.length;
      shown += pages.length;
    }
    listing.querySelector("[data-offline-empty]").hidden = shown > 0;
  };
  if (listing) list().catch(() => {});
})();
