// The progress page of a big import (templates/admin/import_export/background_import.html): polls the
// job's JSON endpoint every second, moves the bar, and reloads the page once the task has finished.
// Without script the page refreshes itself (meta refresh).
(function () {
  "use strict";
  const section = document.querySelector("[data-progress-url]");
  if (!section) {
    return;
  }
  const bar = section.querySelector(".import-progress-bar");
  const percent = section.querySelector(".import-progress-percent");
  const text = section.querySelector(".import-progress-text");
  function poll() {
    fetch(section.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) {
          return;
        }
        bar.value = data.percent;
        bar.textContent = data.percent + "%";
        percent.textContent = data.percent + "%";
        text.textContent = data.text;
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }
  window.setTimeout(poll, 1000);
})();
