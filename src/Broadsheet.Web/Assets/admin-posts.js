// Broadsheet admin, the post editor: the text fields follow the post's direction, a live preview of the body, and
// autosave of drafts. Every part is an enhancement: the form saves, publishes and previews without this file.
"use strict";
(() => {
  const form = document.getElementById("post-form");
  if (!(form instanceof HTMLFormElement)) {
    return;
  }

  const languageSelect = form.elements.namedItem("language");
  const body = form.elements.namedItem("body");
  const preview = document.getElementById("post-preview");
  const status = document.getElementById("autosave-status");
  const token = form.elements.namedItem("__bs_token");

  // The post's language decides the direction of its text, whatever the admin's own language is.
  const applyDirection = () => {
    const language = languageSelect instanceof HTMLSelectElement ? languageSelect.value : "en";
    const dir = language === "ar" ? "rtl" : "ltr";
    for (const element of form.querySelectorAll("[data-post-dir]")) {
      element.setAttribute("lang", language);
      element.setAttribute("dir", dir);
    }

    // A translation is a post in the other language.
    for (const group of form.querySelectorAll("#post-translation optgroup[data-language]")) {
      group.disabled = group.dataset.language === language;
    }
  };

  // The live preview: the server renders the Markdown exactly as the site will (and sanitises it).
  let previewTimer = 0;
  let previewRequest = 0;
  const refreshPreview = async () => {
    if (!(preview && body instanceof HTMLTextAreaElement && token instanceof HTMLInputElement && languageSelect instanceof HTMLSelectElement)) {
      return;
    }

    const request = ++previewRequest;
    const data = new FormData();
    data.append("__bs_token", token.value);
    data.append("body", body.value);
    data.append("language", languageSelect.value);
    try {
      const response = await fetch(form.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin" });
      if (response.ok && request === previewRequest) {
        preview.innerHTML = await response.text();
      }
    } catch {
      // Offline for a moment: the preview catches up on the next keystroke.
    }
  };
  const schedulePreview = () => {
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(refreshPreview, 500);
  };

  // Autosave, drafts only: the server has the page carry the address only for a saved draft this person may edit,
  // and refuses (409) once the post is no longer a draft, after which this stops for good.
  const autosaveUrl = form.dataset.autosaveUrl;
  let changed = false;
  let saving = false;
  let stopped = !autosaveUrl;
  const autosave = async () => {
    if (stopped || saving || !changed) {
      return;
    }

    saving = true;
    changed = false;
    try {
      const response = await fetch(autosaveUrl, {
        method: "POST", body: new FormData(form), credentials: "same-origin", headers: { Accept: "application/json" },
      });
      const answer = response.headers.get("Content-Type")?.includes("json") ? await response.json() : {};
      if (response.ok) {
        status.textContent = answer.message ?? "";
      } else {
        changed = true;
        stopped = response.status === 409 || response.status === 403 || response.status === 404;
        status.textContent = answer.error ?? form.dataset.failedText ?? "";
      }
    } catch {
      changed = true;
      status.textContent = form.dataset.failedText ?? "";
    } finally {
      saving = false;
    }
  };

  languageSelect?.addEventListener("change", () => {
    applyDirection();
    schedulePreview();
  });
  body?.addEventListener("input", schedulePreview);
  form.addEventListener("input", () => { changed = true; });
  form.addEventListener("change", () => { changed = true; });
  // A manual save wins: no autosave may land after it.
  form.addEventListener("submit", () => { stopped = true; });
  if (!stopped) {
    window.setInterval(autosave, 10000);
  }

  // Picking an upload as the cover suggests its alt text when none is written yet.
  for (const radio of form.querySelectorAll("input[name='cover'][data-alt]")) {
    radio.addEventListener("change", () => {
      const alt = form.elements.namedItem("cover_alt");
      if (alt instanceof HTMLInputElement && alt.value.trim() === "") {
        alt.value = radio.dataset.alt ?? "";
      }
    });
  }

  // On reload the browser may restore a language other than the one the page was drawn for.
  applyDirection();
})();
