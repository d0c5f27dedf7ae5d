// The shopping list page, made live. Without it every form still works (a plain POST each).
//
// - A check-off, an added item and "Clear checked items" show at once and go into a queue kept in
//   localStorage, each with an op_id of its own; the queue is sent, in order, to the JSON API
//   whenever the network is there (at once, when the browser comes back online, and every few
//   seconds while it fails). The server makes each op_id's change once, so sending one twice
//   (a reload, two tabs, a lost answer) changes nothing. Nothing is dropped until the server
//   answered it: only a refusal (the row is gone, the text too long) ends a change unsent, and it
//   says so.
// - Every 3 seconds (while the page is shown) it asks whether the list changed, with the list's
//   ETag in If-None-Match: an unchanged list is a 304 and costs next to nothing. A changed one
//   comes back as the list's JSON (the API's list object), from which the rows are drawn again
//   as the page's template draws them (with DOM methods: text is never read as HTML), with the
//   changes still queued here shown on top.
// No service worker is needed for any of this. The one the app has (recipes/offline/
// service-worker.js) keeps the page and its last state for reading offline: a page it served from
// its copy works the same (a stale form token is swapped for a fresh one on the first refusal), and
// a state it answers with no network (marked Offline-Copy) is drawn only when newer than the rows
// shown.
// The forms this script sends itself carry data-works-offline (static/offline.js stops the others
// offline, saying they need the network).
"use strict";
(() => {
  const root = document.querySelector("[data-shopping-list]");
  if (!root || !window.fetch || !window.localStorage || !window.crypto) return;

  const POLL_MS = 3000;
  const RETRY_MAX_MS = 30000;
  const apiUrl = root.dataset.apiUrl;
  const stateUrl = root.dataset.stateUrl;
  const listUrl = root.dataset.listUrl;
  let aisleNames = {};
  try {
    aisleNames = JSON.parse(root.dataset.aisleNames || "{}");
  } catch {}
  const queueKey = `recipes.shopping.${root.dataset.listId}.queue`;
  const status = root.querySelector("[data-sync-status]");
  const pendingList = root.querySelector("[data-pending]");
  let csrf = root.dataset.csrf;
  let etag = root.dataset.etag;
  let sending = false;
  let retryTimer = null;
  let retryMs = 1000;
  let note = "";

  const newOpId = () => {
    if (crypto.randomUUID) return crypto.randomUUID(); // secure contexts only (not plain http on a LAN)
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };

  const queued = () => {
    try {
      const ops = JSON.parse(localStorage.getItem(queueKey) || "[]");
      return Array.isArray(ops) ? ops : [];
    } catch {
      return [];
    }
  };
  const store = (ops) => {
    if (ops.length) localStorage.setItem(queueKey, JSON.stringify(ops));
    else localStorage.removeItem(queueKey);
  };
  const done = (opId) => store(queued().filter((op) => op.op_id !== opId));

  const say = (text) => {
    if (!status) return;
    status.textContent = text;
    status.hidden = !text;
  };
  const showState = (offline) => {
    const waiting = queued().length;
    if (offline && waiting) say(`Offline: ${waiting} change${waiting === 1 ? "" : "s"} will be sent when you are back online.`);
    else if (offline) say("Offline: the list shows what it was when the connection was lost.");
    else if (waiting) say(`Sending ${waiting} change${waiting === 1 ? "" : "s"}…`);
    else say(note);
  };

  // --- showing queued changes on top of the rows the server sent -----------------------------

  const itemsBox = () => root.querySelector("#items");

  const sectionFor = (row, checked) => {
    const box = itemsBox();
    const aisle = checked ? "checked" : row.dataset.aisle || "other";
    let section = box.querySelector(`section[data-aisle="${CSS.escape(aisle)}"]`);
    if (!section) {
      section = document.createElement("section");
      section.className = checked ? "aisle checked-items" : "aisle";
      section.dataset.aisle = aisle;
      const heading = document.createElement("h2");
      heading.textContent = checked ? "In the basket " : aisleNames[aisle] || "";
      const list = document.createElement("ul");
      list.className = "items";
      section.append(heading, list);
      const basket = box.querySelector('section[data-aisle="checked"]');
      if (checked || !basket) box.append(section);
      else box.insertBefore(section, basket);
    }
    return section.querySelector("ul.items");
  };

  const showChecked = (row, checked) => {
    if (row.classList.contains("checked") === checked) return;
    if (!row.dataset.aisle) row.dataset.aisle = row.closest("section[data-aisle]")?.dataset.aisle || "other";
    row.classList.toggle("checked", checked);
    const button = row.querySelector("button.tick");
    const text = row.querySelector(".item-text").textContent;
    button.setAttribute("aria-pressed", String(checked));
    button.setAttribute("aria-label", `${checked ? "Put back" : "Check off"}: ${text}`);
    button.name = checked ? "uncheck" : "check";
    const list = sectionFor(row, checked);
    if (checked) list.prepend(row);
    else list.append(row);
    for (const empty of itemsBox().querySelectorAll("section.aisle")) {
      if (!empty.querySelector("li")) empty.remove();
    }
    const basket = itemsBox().querySelector('section[data-aisle="checked"]');
    if (basket) {
      const count = basket.querySelector("h2 small") || basket.querySelector("h2").appendChild(document.createElement("small"));
      count.textContent = `(${basket.querySelectorAll("li").length})`;
    }
  };

  const applyQueued = () => {
    const adds = [];
    for (const op of queued()) {
      if (op.kind === "check") {
        const row = root.querySelector(`#item-${Number(op.item_id)}`);
        if (row) showChecked(row, op.checked);
      } else if (op.kind === "add") {
        adds.push(op.text);
      } else if (op.kind === "clear") {
        const basket = itemsBox().querySelector('section[data-aisle="checked"]');
        if (basket) basket.remove();
      }
    }
    if (!pendingList) return;
    pendingList.replaceChildren(
      ...adds.map((text) => {
        const row = document.createElement("li");
        row.className = "item pending";
        const words = document.createElement("span");
        words.className = "item-text";
        words.textContent = text;
        const mark = document.createElement("small");
        mark.textContent = "not sent yet";
        row.append(words, mark);
        return row;
      }),
    );
    pendingList.hidden = adds.length === 0;
  };

  // --- drawing the rows from the list's JSON (as shopping/_items.html does) ----------------------

  const element = (tag, attributes = {}, ...children) => {
    const made = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
    made.append(...children);
    return made;
  };
  const hidden = (name, value) => element("input", { type: "hidden", name, value });

  const rowFor = (item) => {
    const checked = Boolean(item.checked);
    const tick = element("button", {
      type: "submit",
      class: "tick",
      name: checked ? "uncheck" : "check",
      value: String(item.id),
      "aria-pressed": String(checked),
      "aria-label": `${checked ? "Put back" : "Check off"}: ${item.text}`,
    });
    const row = element(
      "li",
      { class: checked ? "item checked" : "item", id: `item-${item.id}` },
      tick,
      element("a", { class: "item-text", href: `${listUrl}/items/${item.id}` }, item.text),
    );
    row.dataset.aisle = item.aisle;
    return row;
  };

  const draw = (list) => {
    aisleNames = Object.fromEntries(list.aisles.map((aisle) => [aisle.id, aisle.name]));
    const box = element(
      "form",
      { id: "items", class: "shopping-items", method: "post", action: `${listUrl}/check`, "data-works-offline": "" },
      hidden("csrf_token", csrf),
      hidden("op_id", newOpId()),
    );
    box.dataset.version = String(list.version);
    const open = list.items.filter((item) => !item.checked);
    const basket = list.items.filter((item) => item.checked);
    for (const aisle of list.aisles) {
      const rows = open.filter((item) => item.aisle === aisle.id);
      if (!rows.length) continue;
      const section = element(
        "section",
        { class: "aisle" },
        element("h2", {}, aisle.name),
        element("ul", { class: "items" }, ...rows.map(rowFor)),
      );
      section.dataset.aisle = aisle.id;
      box.append(section);
    }
    if (!open.length) {
      const words = basket.length ? "Everything is checked off." : "Nothing on the list yet.";
      box.append(element("p", { class: "empty-list" }, words));
    }
    if (basket.length) {
      const section = element(
        "section",
        { class: "aisle checked-items" },
        element("h2", {}, "In the basket ", element("small", {}, `(${basket.length})`)),
        element("ul", { class: "items" }, ...basket.map(rowFor)),
        element(
          "button",
          { type: "submit", class: "secondary outline clear-checked no-print", formaction: `${listUrl}/clear` },
          "Clear checked items",
        ),
      );
      section.dataset.aisle = "checked";
      box.append(section);
    }
    itemsBox().replaceWith(box);
  };

  // --- sending the queue ------------------------------------------------------------------------

  const requestFor = (op) => {
    const body = { op_id: op.op_id };
    if (op.kind === "check") return ["PATCH", `${apiUrl}/items/${Number(op.item_id)}`, { ...body, checked: op.checked }];
    if (op.kind === "add") return ["POST", `${apiUrl}/items`, { ...body, text: op.text }];
    return ["POST", `${apiUrl}/clear`, body];
  };

  const retryLater = () => {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };

  async function flush() {
    if (sending) return;
    sending = true;
    clearTimeout(retryTimer);
    let freshToken = false;
    try {
      for (;;) {
        const op = queued()[0];
        if (!op) break;
        showState(false);
        const [method, url, body] = requestFor(op);
        let response;
        try {
          response = await fetch(url, {
            method,
            credentials: "same-origin",
            cache: "no-store",
            headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
            body: JSON.stringify(body),
          });
        } catch {
          showState(true);
          retryLater();
          return;
        }
        if (response.status === 400 && !freshToken) {
          freshToken = await poll(true); // most likely a form token from an earlier login: take a fresh one
          continue;
        }
        if (response.status === 401 || response.status === 400) {
          note = "Log in again to send the changes made here (they are kept until then).";
          showState(false);
          return;
        }
        if (response.status === 429 || response.status >= 500) {
          retryLater();
          return;
        }
        if (!response.ok && response.status !== 404) {
          // Refused for good (a text too long): say so, and go on with the rest.
          let message = "A change was refused.";
          try {
            message = (await response.json()).error.message || message;
          } catch {}
          note = `Not saved: ${message}`;
        }
        done(op.op_id);
        retryMs = 1000;
      }
      showState(false);
    } finally {
      sending = false;
    }
    poll(true);
  }

  const enqueue = (op) => {
    note = "";
    store([...queued(), { ...op, op_id: newOpId() }]);
    applyQueued();
    flush();
  };

  // --- what others changed ---------------------------------------------------------------------

  async function poll(fresh = false) {
    if (document.hidden && !fresh) return false;
    let response;
    try {
      response = await fetch(stateUrl, {
        credentials: "same-origin",
        cache: "no-store",
        headers: fresh ? { Accept: "application/json" } : { Accept: "application/json", "If-None-Match": etag },
      });
    } catch {
      showState(true);
      return false;
    }
    if (response.headers.has("Offline-Copy")) {
      // The service worker's copy: the network is down. Newer than the rows shown? Then drawn.
      try {
        const list = await response.json();
        if (list.version > Number(itemsBox().dataset.version || 0)) {
          draw(list);
          applyQueued();
        }
      } catch {}
      showState(true);
      return false;
    }
    if (response.status === 304) {
      if (!sending) showState(false);
      return false;
    }
    if (response.status === 404) {
      note = "This list has been deleted.";
      showState(false);
      return false;
    }
    if (!response.ok) return false;
    const list = await response.json();
    etag = response.headers.get("ETag") || etag;
    csrf = list.csrf_token || csrf;
    draw(list);
    applyQueued();
    if (!sending) showState(false);
    if (queued().length && !sending) flush();
    return true;
  }

  // --- the page's forms -------------------------------------------------------------------------

  root.addEventListener("submit", (event) => {
    const form = event.target;
    const button = event.submitter;
    if (form.matches("#items") && button) {
      event.preventDefault();
      if (button.matches(".clear-checked")) {
        enqueue({ kind: "clear" });
      } else if (button.name === "check" || button.name === "uncheck") {
        enqueue({ kind: "check", item_id: Number(button.value), checked: button.name === "check" });
      }
    } else if (form.matches("form[data-add-item]")) {
      event.preventDefault();
      const input = form.querySelector('input[name="text"]');
      const text = input.value.trim();
      if (text) enqueue({ kind: "add", text });
      input.value = "";
      input.focus();
    }
  });

  for (const form of root.querySelectorAll("#items, form[data-add-item]")) form.setAttribute("data-works-offline", "");
  window.addEventListener("online", () => flush());
  window.addEventListener("offline", () => showState(true));
  window.addEventListener("storage", (event) => {
    if (event.key === queueKey) applyQueued(); // another tab of this list queued or sent something
  });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) poll();
  });
  setInterval(poll, POLL_MS);
  applyQueued();
  if (queued().length) flush();
})();
