// Rows of a Django formset added and removed in the page, without a save (the 四定 plan form,
// templates/reporting/plan_form.html). Loaded as a file with ``defer`` under the content security
// policy (no inline script, no framework). Without it the form still works: one blank row per
// formset and a 「删除」 box per row, as the server renders them.
//
// Markup it reads, per formset with prefix P:
//   <input name="P-TOTAL_FORMS">                    the management form's row count
//   <div data-formset="P">… rows …</div>          each row marked data-formset-row
//   <template id="P-empty">                         Django's empty_form, "__prefix__" for the index
//   <button data-formset-add="P" hidden>            shown here; adds a row
//   <button data-formset-remove hidden> in a row    shown here; ticks the row's DELETE box, hides it
//   <… data-formset-no-js>                          the no-script hint, hidden here
// The server's blank extra rows are taken away (a formset left without rows gets one new row).
(function () {
  "use strict";

  function totalInput(prefix) {
    return document.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
  }

  function nextOrder(container) {
    var highest = 0;
    container.querySelectorAll('input[name$="-order"]').forEach(function (input) {
      var row = input.closest("[data-formset-row]");
      var value = parseInt(input.value, 10);
      if (row && !row.hidden && value > highest) { highest = value; }
    });
    return highest + 1;
  }

  function removeRow(row) {
    var box = row.querySelector('input[type="checkbox"][name$="-DELETE"]');
    if (box) { box.checked = true; }
    row.hidden = true;
  }

  function wire(row) {
    var button = row.querySelector("[data-formset-remove]");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () { removeRow(row); });
    var box = row.querySelector('input[type="checkbox"][name$="-DELETE"]');
    if (box && box.checked) { row.hidden = true; }  // ticked before a refused save: stays removed
  }

  function addRow(prefix, focus) {
    var container = document.querySelector('[data-formset="' + prefix + '"]');
    var template = document.getElementById(prefix + "-empty");
    var total = totalInput(prefix);
    if (!container || !template || !total) { return; }
    var index = parseInt(total.value, 10) || 0;
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.querySelector("[data-formset-row]");
    if (!row) { return; }
    row.setAttribute("data-formset-new", "");
    var order = row.querySelector('input[name$="-order"]');
    if (order) { order.value = String(nextOrder(container)); }
    container.appendChild(row);
    total.value = String(index + 1);
    wire(row);
    var first = row.querySelector("input:not([type=hidden]):not([name$='-order']), textarea, select");
    if (first && focus !== false) { first.focus(); }
  }

  // A new row left blank is not sent as a step: its prefilled order alone would make it "changed".
  function clearBlankNewRows(form) {
    form.querySelectorAll("[data-formset-new]").forEach(function (row) {
      var typed = Array.prototype.some.call(
        row.querySelectorAll("input:not([type=hidden]):not([type=checkbox]), textarea, select"),
        function (field) { return !/-order$/.test(field.name) && field.value.trim() !== ""; }
      );
      if (!typed) {
        var order = row.querySelector('input[name$="-order"]');
        if (order) { order.value = ""; }
      }
    });
  }

  function isBlank(row) {
    return !Array.prototype.some.call(
      row.querySelectorAll("input:not([type=hidden]):not([type=checkbox]), textarea, select"),
      function (field) { return field.value.trim() !== ""; }
    ) && !row.querySelector(".errorlist");
  }

  // The server's blank rows (for use without the script) give way to 「添加一步」: the list shows
  // what is stored, and a new row comes where it is asked for. A formset left empty keeps one.
  function dropBlankExtraRows(container) {
    var prefix = container.getAttribute("data-formset");
    var initial = document.querySelector('input[name="' + prefix + '-INITIAL_FORMS"]');
    var stored = initial ? parseInt(initial.value, 10) || 0 : 0;
    container.querySelectorAll("[data-formset-row]").forEach(function (row) {
      var named = row.querySelector('[name^="' + prefix + '-"]');
      var index = named ? parseInt(named.name.slice(prefix.length + 1), 10) : NaN;
      if (index >= stored && isBlank(row)) { row.remove(); }
    });
    var visible = Array.prototype.some.call(
      container.querySelectorAll("[data-formset-row]"), function (row) { return !row.hidden; }
    );
    if (!visible) { addRow(prefix, false); }
  }

  document.querySelectorAll("[data-formset]").forEach(function (container) {
    container.classList.add("formset-js");
    container.querySelectorAll("[data-formset-row]").forEach(wire);
    dropBlankExtraRows(container);
  });
  document.querySelectorAll("[data-formset-add]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { addRow(button.getAttribute("data-formset-add")); });
  });
  document.querySelectorAll("[data-formset-no-js]").forEach(function (hint) { hint.hidden = true; });
  document.querySelectorAll("form").forEach(function (form) {
    if (form.querySelector("[data-formset]")) {
      form.addEventListener("submit", function () { clearBlankNewRows(form); });
    }
  });
}());
