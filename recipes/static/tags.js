// Tag suggestions for comma-separated tag fields (input[data-tag-suggest][list]).
// Without JavaScript the field's <datalist> suggests the account's tags for the first tag
// only, since the browser matches the whole value. This rewrites the suggestions as the
// user types, so each one is "what is typed so far, up to the last comma" + a tag: the
// browser then offers the tags that fit the word being typed after the last comma, and
// leaves out those already in the field.
(function () {
  "use strict";
  var MAX_SHOWN = 50;

  function split(value) {
    var cut = value.lastIndexOf(",");
    var done = cut < 0 ? "" : value.slice(0, cut + 1);
    return { done: done, word: value.slice(cut + 1).trim().toLowerCase() };
  }

  function fill(list, field, labels) {
    var parts = split(field.value);
    var head = parts.done ? parts.done.replace(/\s*$/, " ") : "";
    var taken = {};
    parts.done.split(",").forEach(function (tag) {
      taken[tag.trim().toLowerCase()] = true;
    });
    var options = [];
    for (var i = 0; i < labels.length && options.length < MAX_SHOWN; i++) {
      var key = labels[i].toLowerCase();
      if (!taken[key] && key.indexOf(parts.word) !== -1) {
        var option = document.createElement("option");
        option.value = head + labels[i];
        options.push(option);
      }
    }
    list.replaceChildren.apply(list, options);
  }

  document.querySelectorAll("input[data-tag-suggest][list]").forEach(function (field) {
    var list = document.getElementById(field.getAttribute("list"));
    if (!list || !list.replaceChildren) {
      return;
    }
    var labels = Array.prototype.map.call(list.options, function (option) {
      return option.value;
    });
    field.addEventListener("input", function () {
      fill(list, field, labels);
    });
    field.addEventListener("focus", function () {
      fill(list, field, labels);
    });
  });
})();
