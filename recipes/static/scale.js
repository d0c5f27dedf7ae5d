// The scale control of a recipe page, applied in place: the same GET the form makes without
// JavaScript, fetched, and its recipe text swapped in (the server does the arithmetic, so the
// page, print and the API can never disagree). The address follows, so a reload keeps it.
(function () {
  "use strict";
  let pending = null;

  function apply(url) {
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(url, { headers: { Accept: "text/html" }, signal: pending.signal, credentials: "same-origin" })
      .then((response) => response.text().then((html) => [response, html]))
      .then(([response, html]) => {
        const page = new DOMParser().parseFromString(html, "text/html");
        const fresh = page.getElementById("recipe-text");
        const current = document.getElementById("recipe-text");
        if (!fresh || !current) { window.location.href = url; return; }
        const focus = keepPlace(current, fresh);
        current.replaceWith(fresh);
        if (focus) focus.focus();
        // The servings in the facts line, under the title, are the ones the amounts are for.
        const servings = page.getElementById("servings-fact");
        const shownServings = document.getElementById("servings-fact");
        if (servings && shownServings) shownServings.replaceWith(servings);
        bind();
        if (response.ok) history.replaceState(null, "", url);
        keepScaleIn(url);
      })
      .catch((error) => { if (error.name !== "AbortError") window.location.href = url; });
  }

  function keepScaleIn(url) {
    // Links that show this recipe elsewhere at the same scale (cook mode) follow the choice.
    const query = new URL(url, window.location.href).search;
    for (const link of document.querySelectorAll("a[data-keeps-scale]")) {
      link.href = new URL(link.href).pathname + query;
    }
  }

  function keepPlace(current, fresh) {
    // What the cook opened stays open, and the control they were on keeps the focus: a change
    // (a field losing focus as "Scale by what you have" is opened) must not undo the next step.
    for (const details of current.querySelectorAll("details[class]")) {
      const twin = fresh.querySelector("details." + details.classList[0]);
      if (twin) twin.open = details.open;
    }
    const active = document.activeElement;
    if (!active || !current.contains(active)) return null;
    if (active.name) return fresh.querySelector(`[name="${CSS.escape(active.name)}"]`);
    if (active.matches("[data-scale-link]")) {
      const label = active.textContent.trim();
      return Array.from(fresh.querySelectorAll("[data-scale-link]")).find((l) => l.textContent.trim() === label);
    }
    return null;
  }

  function formUrl(form) {
    // Empty fields stay out of the address, and the ingredient line goes only with an amount had.
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (value !== "") params.append(name, value);
    }
    if (!params.has("have")) params.delete("line");
    const query = params.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  function bind() {
    const form = document.querySelector("[data-scale-form]");
    if (!form) return;
    form.classList.add("applies-itself");
    let timer = null;
    form.addEventListener("submit", (event) => { event.preventDefault(); apply(formUrl(form)); });
    form.addEventListener("change", (event) => {
      if (event.target.name === "have" || event.target.name === "line") return; // wait for "Show"
      clearTimeout(timer);
      timer = setTimeout(() => apply(formUrl(form)), 150);
    });
    for (const link of form.querySelectorAll("[data-scale-link]")) {
      link.addEventListener("click", (event) => { event.preventDefault(); apply(link.href); });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", bind);
  else bind();
})();
