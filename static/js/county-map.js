/* The counties' map of the city overview and the bulletin (issue 13 item 6), drawn with the vendored
   Apache ECharts (static/vendor/echarts) and the 泉州 geometry it registers as "泉州".
   <div data-county-map="ID"> reads its data from the json_script element ID (made by
   dashboards.views._level): per area its colour (the matrix's status colours), figures and the
   address of its county's page. No inline script, no eval: the content security policy holds.
   Without JavaScript, or without the geometry, the table beside it is the content. */
(function () {
  "use strict";
  if (!window.echarts || !echarts.getMap || !echarts.getMap("泉州")) { return; }
  document.querySelectorAll("[data-county-map]").forEach(function (box) {
    var source = document.getElementById(box.getAttribute("data-county-map"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var figure = box.closest("figure");
    if (figure) { figure.hidden = false; }  /* hidden without JavaScript: the table is the content */
    var texts = data.texts;
    /* The three city districts are small: their names stand beside them, pointing outwards. */
    var offsets = { "鲤城区": [-22, 6], "丰泽区": [24, 6], "洛江区": [20, -10] };
    var size = box.clientWidth < 420 ? 9 : 11;  /* a phone, or paper */
    var areas = data.areas.map(function (area) {
      return {
        name: area.name,
        value: area.on_time_rate,
        info: area,
        itemStyle: { areaColor: area.colour },
        label: { color: offsets[area.name] ? "#24292f" : area.text, offset: offsets[area.name] || [0, 0],
                 fontSize: offsets[area.name] ? size - 1 : size },
        emphasis: { itemStyle: { areaColor: area.colour }, label: { color: area.text } }
      };
    });
    /* SVG: crisp in print, and each county's fill can be read by the browser test. */
    var chart = echarts.init(box, null, { renderer: "svg" });

    function tooltip(params) {
      var a = params.data && params.data.info;
      if (!a) { return params.name; }
      var lines = ["<b>" + (a.county || a.name) + "</b>", (a.mark ? a.mark + " " : "") + a.label];
      if (a.url) {
        lines.push(texts.projects + "：" + a.projects + "　" + texts.assignments + "：" + a.assignments);
        lines.push(texts.on_time_rate + "：" + (a.on_time_rate === null ? "—" : a.on_time_rate));
        lines.push(texts.overdue + "：" + a.overdue);
        lines.push(texts.open);
      }
      return lines.join("<br>");
    }

    chart.setOption({
      animation: false,  /* draw at once: also for printing and screenshots */
      tooltip: { trigger: "item", formatter: tooltip, confine: true },
      series: [{
        type: "map",
        map: data.map,
        roam: false,
        selectedMode: false,
        layoutCenter: ["50%", "50%"],
        layoutSize: "95%",
        label: { show: true, fontSize: size },
        itemStyle: { borderColor: "#8c959f", borderWidth: 0.6 },
        emphasis: { itemStyle: { borderColor: "#24292f", borderWidth: 2 } },
        data: areas
      }]
    });
    chart.on("click", function (params) {
      var a = params.data && params.data.info;
      if (a && a.url) { window.location.href = a.url; }
    });
    box.setAttribute("data-ready", "1");
    function resize() { chart.resize(); }
    window.addEventListener("resize", resize);
    window.addEventListener("beforeprint", resize);
    window.addEventListener("afterprint", resize);
    if (window.matchMedia) {
      var print = window.matchMedia("print");
      if (print.addEventListener) { print.addEventListener("change", resize); }
    }
  });
})();
