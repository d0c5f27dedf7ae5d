// The edit page's "How the ingredients were read", kept up to date while the ingredients box is
// typed in: the box's text goes (with the form's CSRF token) to the server, which reads it as
// saving would, corrections kept, and answers with the table to swap in. Without JavaScript the
// table shows the saved lines, which is all that can be corrected anyway.
(function () {
  "use strict";

  function bind() {
    const section = document.querySelector("[data-readings-preview]");
    const box = document.getElementById("ingredients");
    const form = box && box.form;
    const token = form && form.querySelector('input[name="csrf_token"]');
    const status = document.getElementById("readings-status");
    if (!section || !box || !token) return;
    let timer = null;
    let pending = null;
    let shown = box.value;

    function refresh() {
      if (box.value === shown) return;
      const text = box.value;
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(section.dataset.readingsPreview, {
        method: "POST",
        body: new URLSearchParams({ csrf_token: token.value, ingredients: text }),
        headers: { Accept: "text/html" },
        credentials: "same-origin",
        signal: pending.signal,
      })
        .then((response) => (response.ok ? response.text() : Promise.reject(new Error(String(response.status)))))
        .then((html) => {
          const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("ingredient-readings-table");
          const current = document.getElementById("ingredient-readings-table");
          if (!fresh || !current) return;
          current.replaceWith(document.importNode(fresh, true));
          shown = text;
          if (status) status.textContent = "Readings updated: " + fresh.dataset.summary + ".";
        })
        .catch(() => {}); // the table stays as it was; saving reads every line anyway
    }

    box.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 400);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", bind);
  else bind();
})();
