/* Keeps what is typed in a form with data-draft-key in the browser (localStorage) until it is
   saved, so that a weak signal or a reload loses nothing (issue 14 item 3, the inspector's phone).

   - every input, textarea and select (not hidden fields, files or the CSRF token) is stored as
     typed, with the time;
   - on load, a stored draft newer than the server's version (data-draft-updated, ISO time) is put
     back into the fields and the element data-draft-notice shows;
   - after a successful save the page is loaded with ?saved=1 and the draft is cleared.
   Without JavaScript the form is a plain form. No inline script: the CSP allows 'self' only. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft-key]");
  if (!form || !window.localStorage) { return; }
  var key = "draft:" + form.getAttribute("data-draft-key");
  var serverTime = Date.parse(form.getAttribute("data-draft-updated") || "") || 0;

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" &&
        ["hidden", "file", "submit", "button"].indexOf(el.type) === -1;
    });
  }
  function read() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function save() {
    var values = {};
    fields().forEach(function (el) {
      values[el.name] = (el.type === "checkbox" || el.type === "radio") ? el.checked : el.value;
    });
    try { localStorage.setItem(key, JSON.stringify({ at: Date.now(), values: values })); } catch (e) { /* full */ }
  }

  if (new URLSearchParams(window.location.search).get("saved") === "1") {
    localStorage.removeItem(key);
  } else {
    var draft = read();
    if (draft && draft.at > serverTime && draft.values) {
      fields().forEach(function (el) {
        if (!(el.name in draft.values)) { return; }
        if (el.type === "checkbox" || el.type === "radio") { el.checked = !!draft.values[el.name]; }
        else { el.value = draft.values[el.name]; }
      });
      var notice = document.querySelector("[data-draft-notice]");
      if (notice) { notice.hidden = false; }
    }
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
})();
