// Importing a list of addresses with progress: each address is its own request (its own
// import, its own transaction), so the page can show how far it got and a slow site never
// holds up the rest. The server reads the list (which lines are addresses: its rule, the only
// one) and keeps a results page for it, where each outcome is recorded; when the run ends the
// page's address becomes that results page, so a reload shows the results again. Without
// JavaScript the form posts the whole list and the server imports it in rounds, so this is
// only a convenience.
(function () {
  "use strict";
  var form = document.querySelector("form[data-import-form]");
  var panel = document.getElementById("import-progress");
  if (!form || !panel || !window.fetch || !window.FormData) {
    return;
  }
  var LABELS = { imported: "Imported", exists: "Already have it", failed: "Failed", skipped: "Not tried" };
  var textarea = form.querySelector("textarea[name=url]");
  var heading = panel.querySelector("h2");
  var bar = panel.querySelector("progress");
  var summary = panel.querySelector(".import-summary");
  var list = panel.querySelector(".import-list");
  var plannedFor = null; // the text the server has said is one address (or none): post it as usual

  function small(text, className) {
    var element = document.createElement("small");
    element.textContent = text;
    if (className) {
      element.className = className;
    }
    return element;
  }

  function show(item, answer, url) {
    item.className = "import-" + answer.status;
    item.textContent = "";
    var status = document.createElement("span");
    status.className = "import-status";
    status.textContent = LABELS[answer.status] || "Failed";
    item.appendChild(status);
    if (answer.recipe) {
      item.appendChild(document.createTextNode(" "));
      var link = document.createElement("a");
      link.href = answer.recipe.url;
      link.textContent = answer.recipe.title;
      item.appendChild(link);
    }
    item.appendChild(small(url, "import-url"));
    var message = answer.message || (answer.error && answer.error.message);
    if (message) {
      item.appendChild(small(message));
    }
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
  }

  function importOne(url, run) {
    var data = new FormData(form);
    data.set("url", url);
    data.set("run", run || "");
    return post(form.action, data).then(
      function (response) {
        return response.json().catch(function () {
          return { status: "failed", message: "The server answered " + response.status + "." };
        });
      },
      function () {
        return { status: "failed", message: "The server could not be reached." };
      }
    );
  }

  // What an earlier answer left on the page (an error under the field, a run's results) must
  // not stand beside this one.
  function clearEarlier() {
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (error) {
      error.remove();
    });
    textarea.removeAttribute("aria-invalid");
    panel.removeAttribute("data-outcome");
    list.textContent = "";
    summary.textContent = "";
  }

  function postAsUsual() {
    plannedFor = textarea.value;
    form.requestSubmit ? form.requestSubmit() : form.submit();
  }

  function run(plan) {
    var urls = plan.urls;
    panel.hidden = false;
    heading.textContent = "Importing…";
    bar.max = urls.length;
    bar.value = 0;
    var imported = 0;
    var problems = 0;
    var stopped = null; // the message that stopped the run (rate limit), if any
    var retry = []; // addresses to leave in the box: failed or not tried
    var items = urls.map(function (url) {
      var item = document.createElement("li");
      item.className = "import-pending";
      item.appendChild(small(url, "import-url"));
      list.appendChild(item);
      return item;
    });
    var chain = Promise.resolve();
    urls.forEach(function (url, index) {
      chain = chain.then(function () {
        if (stopped) {
          show(items[index], { status: "skipped", message: "Not tried." }, url);
          retry.push(url);
          problems += 1;
          return null;
        }
        summary.textContent = "Importing " + (index + 1) + " of " + urls.length + "…";
        return importOne(url, plan.run).then(function (answer) {
          if (answer.status === "imported") {
            imported += 1;
          } else if (answer.status !== "exists") {
            retry.push(url);
            problems += 1;
          }
          if (answer.code === "rate_limited") {
            stopped = answer.message;
          }
          show(items[index], answer, url);
          bar.value = index + 1;
        });
      });
    });
    return chain.then(function () {
      heading.textContent = "Done";
      // A full bar in red read as "everything failed" when only some did: red only when none came in.
      panel.setAttribute("data-outcome", !problems ? "ok" : urls.length - problems > 0 ? "some" : "problems");
      summary.textContent =
        "Imported " + imported + " of " + urls.length + " addresses." + (stopped ? " " + stopped : "");
      // What failed or was not tried stays in the box, ready for another go.
      textarea.value = retry.join("\n");
      if (plan.results_url && window.history && history.replaceState) {
        history.replaceState(null, "", plan.results_url); // a reload shows these results
      }
    });
  }

  form.addEventListener("submit", function (event) {
    if (plannedFor !== null && plannedFor === textarea.value) {
      plannedFor = null;
      return; // one address: the normal form post opens the recipe (or says what is wrong)
    }
    plannedFor = null;
    if (!/\s/.test(textarea.value.trim())) {
      return; // one word is one address, however the server reads a list
    }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    function done() {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
    post(form.getAttribute("data-plan-url"), new FormData(form))
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .catch(function () {
        return null;
      })
      .then(function (plan) {
        if (!plan || !plan.urls || plan.urls.length < 2) {
          done();
          postAsUsual(); // one address, or a list the server refuses: its page says so
          return null;
        }
        clearEarlier();
        return run(plan).then(done, done);
      });
  });
})();

// Importing an export file: the upload shows its progress, then the import itself runs
// (a big library takes a while) and its summary replaces the page. Without JavaScript the
// form posts normally and the browser shows the summary when it is done.
(function () {
  "use strict";
  var form = document.querySelector("form[data-file-import]");
  if (!form || !window.XMLHttpRequest || !window.FormData || !window.DOMParser) {
    return;
  }
  var bar = form.querySelector("[data-upload-progress]");
  var status = form.querySelector("[data-upload-status]");

  function say(text) {
    status.hidden = false;
    status.textContent = text;
  }

  form.addEventListener("submit", function (event) {
    var input = form.querySelector("input[type=file]");
    if (!input.files || !input.files.length) {
      return; // the server says what is missing
    }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    bar.hidden = false;
    bar.value = 0;
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (progress) {
      if (progress.lengthComputable) {
        bar.value = Math.round((100 * progress.loaded) / progress.total);
        say("Uploading… " + bar.value + "%");
      }
    });
    request.upload.addEventListener("load", function () {
      bar.removeAttribute("value"); // indeterminate while the server imports
      say("Importing the recipes… a large library can take a minute.");
    });
    request.addEventListener("load", function () {
      var page = new DOMParser().parseFromString(request.responseText, "text/html");
      var main = page.querySelector("main");
      if (main) {
        document.querySelector("main").replaceWith(document.adoptNode(main));
        document.title = page.title;
        window.scrollTo(0, 0);
        // An import answers with a redirect to its results page: make that the page's address,
        // so a reload shows the results (and does not import again).
        var landed = request.responseURL;
        if (landed && landed !== form.action && window.history && history.replaceState) {
          history.replaceState(null, "", landed);
        }
      } else {
        say("The server answered " + request.status + ".");
      }
    });
    request.addEventListener("error", function () {
      say("The upload failed: the connection was lost.");
      button.disabled = false;
      button.removeAttribute("aria-busy");
      bar.hidden = true;
    });
    request.send(new FormData(form));
  });
})();

