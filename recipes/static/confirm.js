// Forms with data-confirm="question" ask before they are sent, in a dialog. Without
// JavaScript their hidden ask_first field makes the server answer with a page that asks
// instead (web.confirmation_page); once asked here, that field is dropped.
"use strict";
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (!form) return;
  if (!window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  for (const field of form.querySelectorAll('input[name="ask_first"]')) field.remove();
});
