// The recipe page's stars, favourite and "Cooked it" without leaving the page. Without
// JavaScript each is a form that posts and comes back to the recipe; here the same form is
// sent with fetch, and the parts of the page it comes back to that show the marks (the line
// under the title, #marks-summary, and the section after the recipe, #cooking-log) are put in
// place of these, with what the server said read out and the focus kept on the control.
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser || !window.FormData) {
    return;
  }

  // The day a "cooked it" is for, by default: today where the browser is (the page was made
  // with the server's today, which may be a day off).
  function localToday() {
    var field = document.querySelector("input[data-today]");
    if (!field || field.getAttribute("aria-invalid") === "true" || field.value !== field.defaultValue) {
      return;
    }
    var now = new Date();
    var today = new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
    if (!field.max || today <= field.max) {
      field.value = today;
      field.defaultValue = today;
    }
  }

  function formData(form, submitter) {
    var data;
    try {
      data = new FormData(form, submitter); // the pressed button's name and value too
    } catch (error) {
      data = new FormData(form);
      if (submitter && submitter.name) {
        data.append(submitter.name, submitter.value);
      }
    }
    return data;
  }

  // What to focus once the panels are new: the same control, else its form's first button.
  function focusAgain(action, submitter) {
    var forms = document.querySelectorAll("form[data-marks-form]");
    var form = null;
    forms.forEach(function (candidate) {
      if (!form && candidate.getAttribute("action") === action) {
        form = candidate;
      }
    });
    var target = null;
    if (form && submitter && submitter.name) {
      target = form.querySelector('button[name="' + submitter.name + '"][value="' + submitter.value + '"]');
    }
    if (!target && form) {
      target = form.querySelector("button");
    }
    if (!target) {
      target = document.getElementById("cooking-log-heading");
      if (target) {
        target.setAttribute("tabindex", "-1");
      }
    }
    if (target) {
      target.focus();
    }
  }

  function putInPlace(page) {
    ["marks-summary", "cooking-log"].forEach(function (id) {
      var current = document.getElementById(id);
      var fresh = page.getElementById(id);
      if (current && fresh) {
        current.replaceWith(document.importNode(fresh, true));
      }
    });
    var said = page.querySelector(".flashes li");
    status.textContent = said ? said.textContent : "";
    localToday();
  }

  // What the server said ("You rated it 4 stars."), read out: a live region of its own, made once
  // and never replaced (a region put in with the new panels might not be heard).
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("data-marks-status", "");
  document.body.appendChild(status);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-marks-form")) {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter || null;
    var action = form.getAttribute("action");
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: formData(form, submitter),
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    })
      .then(function (response) {
        // 200: the recipe page it came back to; 400: the page saying what was wrong.
        if (!response.ok && response.status !== 400) {
          return Promise.reject(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        putInPlace(new DOMParser().parseFromString(html, "text/html"));
        focusAgain(action, submitter);
      })
      .catch(function () {
        // The way without JavaScript, with the pressed button's value.
        form.removeAttribute("aria-busy");
        if (submitter && submitter.name) {
          var pressed = document.createElement("input");
          pressed.type = "hidden";
          pressed.name = submitter.name;
          pressed.value = submitter.value;
          form.appendChild(pressed);
        }
        HTMLFormElement.prototype.submit.call(form);
      });
  });

  localToday();
})();
