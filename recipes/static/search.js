// Live search on the recipe list: results update as you type. Without JavaScript
// the same form submits normally, so this is only a convenience.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-search]");
  var results = document.getElementById("results");
  if (!form || !results || !window.fetch || !window.DOMParser) {
    return;
  }
  var timer = null;
  var latest = 0;

  function queryString() {
    var params = new URLSearchParams(new FormData(form));
    // Leave empty fields out of the address, as the server does.
    Array.from(params.keys()).forEach(function (key) {
      if (!params.get(key)) {
        params.delete(key);
      }
    });
    if (params.get("match") === "any") {
      params.delete("match");
    }
    if (params.get("scope") === "all") {
      params.delete("scope");
    }
    return params.toString();
  }

  function refresh() {
    var query = queryString();
    var url = form.action + (query ? "?" + query : "");
    var ticket = ++latest;
    fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        if (ticket !== latest) {
          return; // an answer to an older keystroke
        }
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("results");
        if (fresh) {
          results.replaceWith(fresh);
          results = fresh;
          history.replaceState(null, "", url);
        }
        // The Filters summary's count of active filters follows the fields too.
        var count = document.getElementById("filter-count");
        var freshCount = page.getElementById("filter-count");
        if (count && freshCount) {
          count.textContent = freshCount.textContent;
        }
      })
      .catch(function () {
        /* keep the current results; submitting the form still works */
      });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 50);
  });
})();
