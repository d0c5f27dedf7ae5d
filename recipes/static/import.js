// Importing a list of addresses with progress: each address is its own request (its own
// import, its own transaction), so the page can show how far it got and a slow site never
// holds up the rest. Without JavaScript the form posts the whole list and the server
// imports it in rounds, so this is only a convenience.
(function () {
  "use strict";
  var form = document.querySelector("form[data-import-form]");
  var panel = document.getElementById("import-progress");
  if (!form || !panel || !window.fetch || !window.FormData) {
    return;
  }
  var LABELS = { imported: "Imported", exists: "Already have it", failed: "Failed", skipped: "Not tried" };
  var textarea = form.querySelector("textarea[name=url]");
  var bar = panel.querySelector("progress");
  var summary = panel.querySelector(".import-summary");
  var list = panel.querySelector(".import-list");

  function addresses() {
    var seen = {};
    return textarea.value.split(/\s+/).filter(function (word) {
      if (!word || seen[word]) {
        return false;
      }
      seen[word] = true;
      return true;
    });
  }

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

  function importOne(url) {
    var data = new FormData(form);
    data.set("url", url);
    return fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(
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

  form.addEventListener("submit", function (event) {
    var urls = addresses();
    if (urls.length < 2) {
      return; // one address: the normal form post opens the recipe
    }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    panel.hidden = false;
    list.textContent = "";
    bar.max = urls.length;
    bar.value = 0;
    var imported = 0;
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
          return null;
        }
        summary.textContent = "Importing " + (index + 1) + " of " + urls.length + "…";
        return importOne(url).then(function (answer) {
          if (answer.status === "imported") {
            imported += 1;
          } else if (answer.status !== "exists") {
            retry.push(url);
          }
          if (answer.code === "rate_limited") {
            stopped = answer.message;
          }
          show(items[index], answer, url);
          bar.value = index + 1;
        });
      });
    });
    chain.then(function () {
      summary.textContent =
        "Imported " + imported + " of " + urls.length + " addresses." + (stopped ? " " + stopped : "");
      button.disabled = false;
      button.removeAttribute("aria-busy");
      // What failed or was not tried stays in the box, ready for another go.
      textarea.value = retry.join("\n");
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

