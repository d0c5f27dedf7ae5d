// The installable app's page side, on every page (templates/offline/_head.html):
// - registers the service worker (recipes/offline/service-worker.js, at /sw.js) once the page has
//   loaded, so nothing of it is on a first visit's critical path;
// - the offline banner (templates/offline/_banner.html): offline, or on a copy the worker kept, it
//   says what can still be done; online, it names shopping-list changes made offline that still
//   wait to be sent (static/shopping.js sends them from their list's page);
// - a form that needs the network says so, offline, instead of failing (forms that work offline,
//   the shopping list's ticks and new items, carry data-works-offline);
// - what this browser keeps is one account's: when another account signs in, what the last one
//   left in localStorage (cook timers name its recipes, list queues hold its items) goes; logging
//   out clears it and the worker's copies here before the server's Clear-Site-Data does it again,
//   asking first when list changes have not been sent yet (logging out would lose them).
"use strict";
(() => {
  const config = (document.currentScript && document.currentScript.dataset) || {};
  const OWN_KEY = /^recipes[.:]/; // this app's localStorage keys
  const ACCOUNT_KEY = "recipes.account";
  const QUEUE = /^recipes\.shopping\.(\d+)\.queue$/;
  const PAGES = "recipes-pages-";

  const storage = (() => {
    try {
      return window.localStorage;
    } catch {
      return null; // refused (a private window's settings)
    }
  })();

  const forgetStorage = () => {
    if (!storage) return;
    for (const key of Object.keys(storage)) if (OWN_KEY.test(key)) storage.removeItem(key);
  };

  const forgetCopies = async () => {
    if (!window.caches) return;
    for (const name of await caches.keys()) if (name.startsWith(PAGES)) await caches.delete(name);
  };

  // --- whose things this browser holds ----------------------------------------------------------------

  const accountMeta = document.querySelector('meta[name="recipes-account"]');
  const account = accountMeta ? accountMeta.content : "";
  if (storage && account) {
    try {
      const before = storage.getItem(ACCOUNT_KEY);
      if (before && before !== account) forgetStorage();
      storage.setItem(ACCOUNT_KEY, account);
    } catch {}
  }

  // Shopping-list changes made offline that the server has not had yet: [{id, count}].
  const waiting = () => {
    const lists = [];
    if (!storage) return lists;
    for (const key of Object.keys(storage)) {
      const found = QUEUE.exec(key);
      if (!found) continue;
      try {
        const ops = JSON.parse(storage.getItem(key) || "[]");
        if (Array.isArray(ops) && ops.length) lists.push({ id: found[1], count: ops.length });
      } catch {}
    }
    return lists;
  };
  const changes = (count) => `${count} change${count === 1 ? "" : "s"}`;

  // --- the banner ---------------------------------------------------------------------------------------

  const banner = document.querySelector("[data-offline-banner]");
  const keptAt = document.documentElement.dataset.keptAt || "";
  const waitingBox = document.querySelector("[data-offline-waiting]");
  let stylesheet = null;

  const styled = () => {
    if (stylesheet || !config.stylesheet || document.querySelector(`link[href="${config.stylesheet}"]`)) return;
    stylesheet = document.createElement("link"); // added by script: it holds up no first paint
    stylesheet.rel = "stylesheet";
    stylesheet.href = config.stylesheet;
    document.head.append(stylesheet);
  };

  let cameBack = false; // an "online" event since this page loaded

  const showBanner = () => {
    if (!banner) return;
    const offline = !navigator.onLine;
    banner.hidden = !offline && !keptAt;
    if (banner.hidden) return;
    styled();
    const state = banner.querySelector("[data-offline-state]");
    const kept = banner.querySelector("[data-offline-kept]");
    const back = !offline && cameBack;
    if (offline) state.textContent = "You are offline.";
    else if (back) state.textContent = "You are back online.";
    else state.textContent = "The server cannot be reached.";
    banner.querySelector("[data-offline-what]").hidden = back;
    const reload = banner.querySelector("[data-offline-reload]");
    reload.hidden = !back;
    reload.href = location.href;
    if (kept && keptAt) {
      const when = new Date(keptAt);
      const stamp = when.toLocaleString([], { dateStyle: "short", timeStyle: "short" });
      kept.textContent = Number.isNaN(when.getTime()) ? "(A copy kept here.)" : `(A copy kept here ${stamp}.)`;
      kept.hidden = false;
    }
  };

  const showWaiting = () => {
    if (!waitingBox) return;
    const here = document.querySelector("[data-shopping-list]"); // that list's page says it itself
    const lists = waiting().filter((list) => !here || here.dataset.listId !== list.id);
    waitingBox.hidden = !lists.length || !navigator.onLine;
    if (waitingBox.hidden) return;
    styled();
    const text = waitingBox.querySelector("[data-offline-waiting-text]");
    const total = lists.reduce((sum, list) => sum + list.count, 0);
    text.textContent = `${changes(total)} to your shopping lists made offline ${total === 1 ? "waits" : "wait"} to be sent: open `;
    lists.forEach((list, index) => {
      const link = document.createElement("a");
      link.href = `${config.lists || "/lists"}/${list.id}`;
      link.textContent = lists.length === 1 ? "the list" : `list ${index + 1}`;
      if (index) text.append(", ");
      text.append(link);
    });
    text.append(` to send ${total === 1 ? "it" : "them"}.`);
  };

  const showNotes = () => {
    if (navigator.onLine) for (const note of document.querySelectorAll("[data-offline-note]")) note.remove();
  };

  const refresh = () => {
    showBanner();
    showWaiting();
    showNotes();
  };
  window.addEventListener("online", () => {
    cameBack = true;
    refresh();
  });
  window.addEventListener("offline", refresh);
  window.addEventListener("storage", (event) => {
    if (event.key === null || QUEUE.test(event.key)) showWaiting();
  });
  refresh();

  // --- forms that need the network --------------------------------------------------------------------

  const methodOf = (form, submitter) =>
    (submitter && submitter.hasAttribute("formmethod") ? submitter.formMethod : form.method).toLowerCase();

  // Capturing, on the window: before any page script sends the form its own way.
  window.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (navigator.onLine || !(form instanceof HTMLFormElement)) return;
      if (methodOf(form, event.submitter) !== "post" || form.hasAttribute("data-works-offline")) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      let note = form.querySelector("[data-offline-note]");
      if (!note) {
        note = document.createElement("small");
        note.className = "offline-note";
        note.setAttribute("role", "alert");
        note.dataset.offlineNote = "";
        form.append(note);
      }
      note.textContent = "";
      styled();
      // Set after a moment, so it is read out again on a second try.
      setTimeout(() => {
        note.textContent = "You are offline: this was not sent. It needs the network; try again once you are back online.";
      }, 50);
    },
    true,
  );

  // --- logging out ---------------------------------------------------------------------------------------

  const isLogout = (form) => {
    if (!(form instanceof HTMLFormElement) || !config.logout) return false;
    return new URL(form.action, location.href).pathname === new URL(config.logout, location.href).pathname;
  };

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!isLogout(form) || event.defaultPrevented) return;
    event.preventDefault();
    const total = waiting().reduce((sum, list) => sum + list.count, 0);
    if (
      total &&
      !window.confirm(
        `${changes(total)} to your shopping lists made offline ${total === 1 ? "has" : "have"} not reached the server yet. ` +
          "Logging out deletes them from this device. Log out anyway?",
      )
    ) {
      showWaiting();
      return;
    }
    // Belt and braces: the logout's answer clears the site's data too (Clear-Site-Data).
    const timeout = new Promise((done) => setTimeout(done, 2000));
    Promise.race([forgetCopies().catch(() => {}), timeout]).finally(() => {
      forgetStorage();
      HTMLFormElement.prototype.submit.call(form);
    });
  });

  // --- the service worker ---------------------------------------------------------------------------------

  if ("serviceWorker" in navigator && config.worker) {
    const register = () => {
      if (!navigator.serviceWorker.controller && "kept" in config) {
        // The first visit: this page, one the worker keeps, was loaded before the worker was there.
        // Asked for again once the worker controls it, it is kept like the pages after it.
        navigator.serviceWorker.addEventListener(
          "controllerchange",
          () => fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } }).catch(() => {}),
          { once: true },
        );
      }
      navigator.serviceWorker.register(config.worker, { scope: config.scope || "/" }).catch(() => {
        // Plain http on another machine (no secure context), or storage refused: the site works as before.
      });
    };
    if (document.readyState === "complete") register();
    else window.addEventListener("load", register, { once: true });
  }
})();
