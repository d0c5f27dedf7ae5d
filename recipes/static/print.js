// The recipe page's Print button (hidden without JavaScript: the browser's own Print works too,
// with the same print stylesheet).
(function () {
  "use strict";
  var button = document.querySelector("button[data-print]");
  if (!button || !window.print) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
})();
