// The meal planner, made quicker where JavaScript runs. Everything here has a plain way
// without it: an entry's Change page (drag and drop; the dialog), the add page (the dialog),
// the Search button (searching as you type), the server's "today" (the reader's own).
"use strict";
(function () {
  // --- Today, in the reader's own time zone --------------------------------------------------
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  const today = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  for (const day of document.querySelectorAll(".plan-day[data-day]")) {
    const isToday = day.dataset.day === today;
    day.classList.toggle("today", isToday);
    if (isToday) day.setAttribute("aria-current", "date");
    else day.removeAttribute("aria-current");
    // A phone shows a day per row: this week's plan opens at today (unless the address says where).
    if (isToday && !window.location.hash && window.matchMedia("(max-width: 599.98px)").matches) {
      day.scrollIntoView({ block: "start" });
    }
  }

  // --- Drag an entry to another meal: the week's move form, filled in and sent -------------
  const week = document.querySelector("[data-plan-week]");
  const move = document.getElementById("plan-move");
  if (week && move) {
    for (const entry of week.querySelectorAll(".plan-entry[data-entry]")) entry.draggable = true;
    const slotAt = (event) => event.target.closest && event.target.closest(".plan-slot[data-meal]");
    const unmark = () => {
      for (const slot of week.querySelectorAll(".drop-here")) slot.classList.remove("drop-here");
    };
    week.addEventListener("dragstart", (event) => {
      const entry = event.target.closest && event.target.closest(".plan-entry[data-entry]");
      if (!entry) return;
      event.dataTransfer.setData("application/x-plan-entry", entry.dataset.entry);
      event.dataTransfer.setData("text/plain", entry.querySelector(".plan-entry-title").textContent.trim());
      event.dataTransfer.effectAllowed = "move";
      entry.classList.add("dragging");
    });
    week.addEventListener("dragend", (event) => {
      const entry = event.target.closest && event.target.closest(".plan-entry");
      if (entry) entry.classList.remove("dragging");
      unmark();
    });
    week.addEventListener("dragover", (event) => {
      const slot = slotAt(event);
      if (!slot || !event.dataTransfer.types.includes("application/x-plan-entry")) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      if (!slot.classList.contains("drop-here")) {
        unmark();
        slot.classList.add("drop-here");
      }
    });
    week.addEventListener("drop", (event) => {
      const slot = slotAt(event);
      const id = event.dataTransfer.getData("application/x-plan-entry");
      unmark();
      if (!slot || !id) return;
      event.preventDefault();
      const entry = document.getElementById(`entry-${id}`);
      const change = entry && entry.querySelector("a.plan-entry-change");
      if (!change || entry.closest(".plan-slot") === slot) return;
      move.action = change.href;
      move.elements.date.value = slot.closest(".plan-day").dataset.day;
      move.elements.meal.value = slot.dataset.meal;
      move.requestSubmit();
    });
  }

  // --- The add page: the day and meal follow the fields, results follow the typing ----------
  function wireAdd(root) {
    const search = root.querySelector("form[data-plan-search]");
    if (!search) return;
    const sync = () => {
      for (const name of ["date", "meal"]) {
        const value = search.elements[name].value;
        for (const hidden of root.querySelectorAll(`input[data-plan-where="${name}"]`)) hidden.value = value;
      }
    };
    let timer = null;
    let latest = 0;
    const refresh = () => {
      const url = `${search.action}?${new URLSearchParams(new FormData(search))}`;
      const ticket = ++latest;
      fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
        .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
        .then((html) => {
          if (ticket !== latest) return; // an answer to an older keystroke
          const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("plan-results");
          const results = root.querySelector("#plan-results");
          if (fresh && results) {
            results.replaceWith(document.importNode(fresh, true));
            sync();
          }
        })
        .catch(() => {
          /* keep the results shown; the Search button still works */
        });
    };
    search.addEventListener("input", (event) => {
      if (event.target.name === "q") {
        clearTimeout(timer);
        timer = setTimeout(refresh, 250);
      } else {
        sync();
      }
    });
    search.addEventListener("change", sync);
    search.addEventListener("submit", (event) => {
      event.preventDefault();
      clearTimeout(timer);
      refresh();
    });
  }
  wireAdd(document);

  // --- "+ Add" and "Change" on the week: their pages in a dialog over it -------------------
  let dialog = null;
  function openPanel(url, from) {
    fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        const panel = new DOMParser().parseFromString(html, "text/html").querySelector("[data-plan-panel]");
        if (!panel) throw new Error("no panel");
        if (!dialog) {
          dialog = document.createElement("dialog");
          dialog.className = "plan-dialog";
          dialog.addEventListener("click", (event) => {
            if (event.target === dialog || event.target.closest(".plan-dialog-close")) dialog.close();
          });
          document.body.append(dialog);
        }
        const article = document.createElement("article");
        const close = document.createElement("button");
        close.type = "button";
        close.className = "secondary outline plan-dialog-close";
        close.textContent = "Close";
        article.append(close, document.importNode(panel, true));
        const heading = article.querySelector("h1");
        if (heading) {
          heading.id = "plan-dialog-title";
          dialog.setAttribute("aria-labelledby", heading.id);
        }
        dialog.replaceChildren(article);
        dialog.onclose = () => from && from.focus();
        wireAdd(article);
        dialog.showModal();
        const field = article.querySelector("#plan-q") || article.querySelector("input:not([type=hidden]), select");
        if (field) field.focus();
      })
      .catch(() => {
        window.location.href = url; // the page itself
      });
  }
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[data-plan-dialog]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (typeof HTMLDialogElement !== "function") return;
    event.preventDefault();
    openPanel(link.href, link);
  });
})();
