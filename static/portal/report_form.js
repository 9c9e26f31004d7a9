// The report form (templates/reporting/report_form.html), loaded as a file under the content
// security policy. Before posting, it checks what the server would refuse for size, so that the
// reporter keeps every character typed: texts larger than the portal accepts, a file larger than
// an evidence file may be, or a post larger than one request may be. It also warns before leaving
// the page with unsaved typing (a link, such as 「移除」 of a file, which asks on a page of its own).
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) { return; }
  var warning = document.getElementById("size-warning");
  var maxRequest = Number(form.dataset.maxRequestBytes);
  var maxText = Number(form.dataset.maxTextBytes);
  var maxFile = Number(form.dataset.maxFileBytes);
  var encoder = new TextEncoder();
  var dirty = false;
  var sending = false;

  function show(text) {
    warning.textContent = text;
    warning.hidden = false;
    warning.scrollIntoView({ block: "center" });
  }

  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });

  form.addEventListener("submit", function (event) {
    var textBytes = 0;
    var fileBytes = 0;
    var tooBig = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.type === "file") {
        Array.prototype.forEach.call(field.files, function (file) {
          fileBytes += file.size;
          if (file.size > maxFile) { tooBig.push(file.name); }
        });
      } else if (field.name && typeof field.value === "string") {
        textBytes += encoder.encode(field.value).length + field.name.length + 100;
      }
    });
    if (textBytes > maxText) {
      event.preventDefault();
      show(form.dataset.tooBigText);
    } else if (tooBig.length) {
      event.preventDefault();
      show(form.dataset.tooBigFile + tooBig.join("、"));
    } else if (textBytes + fileBytes > maxRequest) {
      event.preventDefault();
      show(form.dataset.tooBigRequest);
    } else {
      sending = true;
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty && !sending) {
      event.preventDefault();
      event.returnValue = form.dataset.leaveWarning;
    }
  });
}());
