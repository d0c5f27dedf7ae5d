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
        current.replaceWith(fresh);
        // The servings in the facts line, under the title, are the ones the amounts are for.
        const servings = page.getElementById("servings-fact");
        const shownServings = document.getElementById("servings-fact");
        if (servings && shownServings) shownServings.replaceWith(servings);
        bind();
        if (response.ok) history.replaceState(null, "", url);
      })
      .catch((error) => { if (error.name !== "AbortError") window.location.href = url; });
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
