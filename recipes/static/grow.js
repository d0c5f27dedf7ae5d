// Text boxes that grow with what is typed in them (textarea.grows): CSS does it where the
// browser knows `field-sizing: content` (the box's min-height and max-height in app.css bound
// it); elsewhere this sets the height from the content, within the same bounds. Without
// JavaScript the boxes keep their rows and can be resized by hand.
(function () {
  "use strict";
  if (window.CSS && CSS.supports && CSS.supports("field-sizing", "content")) {
    return;
  }
  function fit(box) {
    var style = window.getComputedStyle(box);
    var borders = parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
    box.style.height = "auto";
    box.style.height = box.scrollHeight + borders + "px"; // min-height and max-height still apply
  }
  var boxes = document.querySelectorAll("textarea.grows");
  Array.prototype.forEach.call(boxes, function (box) {
    fit(box);
    box.addEventListener("input", function () {
      fit(box);
    });
  });
})();
