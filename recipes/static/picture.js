// The recipe form's picture field: a file over the upload limit is caught as soon as it is
// chosen, instead of after a long upload ends in an error page that loses the typed text.
// The server checks again either way.
(function () {
  "use strict";
  var input = document.querySelector("input[type=file][data-max-bytes]");
  if (!input || !window.FileReader) {
    return;
  }
  var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
  var note = document.createElement("small");
  note.className = "field-error";
  note.setAttribute("role", "alert");
  note.hidden = true;
  input.insertAdjacentElement("afterend", note);
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (file && file.size > limit) {
      note.textContent =
        "That file is " + (file.size / 1048576).toFixed(1) + " MB; pictures can be at most " +
        Math.floor(limit / 1048576) + " MB.";
      note.hidden = false;
      input.value = "";
      input.setAttribute("aria-invalid", "true");
    } else {
      note.hidden = true;
      input.removeAttribute("aria-invalid");
    }
  });
})();
