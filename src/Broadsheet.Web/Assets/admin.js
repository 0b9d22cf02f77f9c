// Broadsheet admin: small enhancements only; every page works without this file.
"use strict";
document.addEventListener("submit", (event) => {
  // Forms that need a second thought say so with data-confirm (the server asks again without JavaScript).
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
