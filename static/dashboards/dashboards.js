/* Charts of the dashboards, drawn with the vendored Chart.js (static/vendor/chartjs). Each
   <canvas data-chart="KIND" data-source="ID"> reads its data from the json_script element ID. */
(function () {
  "use strict";
  /* "Why this colour?": the tooltip of a cell is placed over the page, so that the scrolling matrix
     does not clip it. Without JavaScript it still shows, inside the matrix. */
  document.querySelectorAll(".cell .why").forEach(function (tip) {
    var cell = tip.parentElement;
    function place() {
      tip.classList.add("placed");
      var box = cell.getBoundingClientRect();
      var left = Math.min(box.left, window.innerWidth - tip.offsetWidth - 8);
      var top = box.bottom + 4;
      if (top + tip.offsetHeight > window.innerHeight) { top = Math.max(8, box.top - tip.offsetHeight - 4); }
      tip.style.left = Math.max(8, left) + "px";
      tip.style.top = top + "px";
    }
    cell.addEventListener("mouseenter", place);
    cell.addEventListener("focus", place);
  });
  if (!window.Chart) { return; }
  Chart.defaults.font.family = "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif";
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.animation = false;  /* draw at once: also for printing */

  function horizontal(labels, datasets, max) {
    return {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        indexAxis: "y",
        scales: { x: { min: 0, max: max, ticks: { callback: function (v) { return v + "%"; } } },
                  y: { ticks: { autoSkip: false, font: { size: 11 } } } },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } }
      }
    };
  }

  var builders = {
    progress: function (d) {
      return horizontal(d.labels, [
        { label: d.actual_label, data: d.actual, backgroundColor: d.colours },
        { label: d.planned_label, data: d.planned, backgroundColor: "rgba(87,96,106,.18)",
          borderColor: "#57606a", borderWidth: 1 }
      ], 100);
    },
    ranking: function (d) {
      return horizontal(d.labels, [
        { label: d.on_time_label, data: d.on_time, backgroundColor: "#0969da" },
        { label: d.completion_label, data: d.completion, backgroundColor: "#2da44e" }
      ], 100);
    },
    /* 争六好历年得分: one line per element (percent of its points) and the total (out of 100, thicker) */
    rounds: function (d) {
      var colours = ["#0969da", "#8250df", "#bf3989", "#bc4c00", "#1a7f37", "#4d2d00", "#57606a"];
      var datasets = d.elements.map(function (element, index) {
        return { label: element.label, data: element.values, borderColor: colours[index % colours.length],
                 backgroundColor: colours[index % colours.length], borderWidth: 2, pointRadius: 3,
                 spanGaps: false };
      });
      datasets.push({ label: d.total_label, data: d.total, borderColor: "#cf222e", backgroundColor: "#cf222e",
                      borderWidth: 4, pointRadius: 5, pointStyle: "rectRot" });
      return {
        type: "line",
        data: { labels: d.labels, datasets: datasets },
        options: {
          layout: { padding: { top: 8, right: 12, left: 4 } },  /* points at 100 and at the edges stay whole */
          scales: { y: { min: 0, max: 100, ticks: { stepSize: 20 } } },
          plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } }
        }
      };
    },
    doughnut: function (d) {
      return {
        type: "doughnut",
        data: { labels: d.labels, datasets: [{ data: d.values, backgroundColor: d.colours }] },
        options: { plugins: { legend: { position: "right", labels: { boxWidth: 12 } } } }
      };
    }
  };

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.source);
    var build = builders[canvas.dataset.chart];
    if (!source || !build) { return; }
    var data = JSON.parse(source.textContent);
    if (data.labels && canvas.dataset.chart !== "doughnut" && canvas.dataset.chart !== "rounds") {
      /* one bar row per label: grow the box so that names stay readable on a phone */
      canvas.parentElement.style.height = Math.max(220, 60 + data.labels.length * 34) + "px";
    }
    new Chart(canvas, build(data));
  });
  window.addEventListener("beforeprint", function () {
    Object.values(Chart.instances).forEach(function (chart) { chart.resize(); });
  });
  /* Buttons and links without inline handlers (the content security policy allows no inline
     script): [data-print] prints the page, [data-open=ID] opens the <details> ID. */
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-open]").forEach(function (link) {
    link.addEventListener("click", function () {
      var details = document.getElementById(link.getAttribute("data-open"));
      if (details) { details.open = true; }
    });
  });
})();
