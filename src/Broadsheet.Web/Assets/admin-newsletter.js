// Broadsheet admin, the newsletter: while an edition sends, its numbers update without reloading the page. Any element
// with data-progress-url asks that address every two seconds and fills its [data-count] elements (and its
// [data-progress-state]) from the answer, until the answer says the send is over. The page is right without this file.
"use strict";
(() => {
  const interval = 2000;

  const follow = (element) => {
    const url = element.dataset.progressUrl;
    if (!url) {
      return;
    }

    const fill = (answer) => {
      for (const target of element.querySelectorAll("[data-count]")) {
        const value = answer[target.dataset.count];
        if (typeof value === "number") {
          target.textContent = String(value);
        }
      }

      const state = element.querySelector("[data-progress-state]");
      if (state && typeof answer.state === "string") {
        state.textContent = answer.state;
      }
    };

    const ask = async () => {
      try {
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" });
        if (response.ok) {
          const answer = await response.json();
          fill(answer);
          if (answer.finished) {
            element.dataset.progressFinished = "true";
            return;
          }
        } else if (response.status === 401 || response.status === 403 || response.status === 404) {
          // Signed out, or the edition is gone: asking again will not help; a reload shows why.
          return;
        }
      } catch {
        // Offline for a moment: the next question catches up.
      }

      window.setTimeout(ask, interval);
    };

    window.setTimeout(ask, interval);
  };

  for (const element of document.querySelectorAll("[data-progress-url]")) {
    follow(element);
  }
})();
