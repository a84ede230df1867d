// Star management: the district view's charts (ECharts, vendored). The
// numbers are also in the tables of the page, which work without
// JavaScript; this only draws them. Data: <script type="application/json"
// id="stars-chart-data">{"levels": {...}, "charts": [{title, names,
// excellent, good, poor}, ...]}.
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("stars-chart-data");
    if (!el || !window.echarts) return;
    var data;
    try { data = JSON.parse(el.textContent); } catch (e) { return; }
    var colors = { excellent: "#c00000", good: "#b8860b", poor: "#8c8c8c" };
    var charts = [];
    document.querySelectorAll(".stars-chart").forEach(function (box) {
      var c = data.charts[Number(box.getAttribute("data-chart"))];
      if (!c || !c.names.length) return;
      // The figure (with its caption) shows only when there is a chart.
      if (box.parentNode && box.parentNode.tagName === "FIGURE") box.parentNode.hidden = false;
      // Horizontal bars: long Chinese names stay readable on a phone.
      box.style.height = Math.max(150, 70 + c.names.length * 34) + "px";
      var chart = window.echarts.init(box, null, { renderer: "svg" });
      var series = ["excellent", "good", "poor"].map(function (k) {
        return { name: data.levels[k], type: "bar", stack: "n", data: c[k], itemStyle: { color: colors[k] },
          barMaxWidth: 26, label: { show: true, formatter: function (p) { return p.value || ""; } } };
      });
      chart.setOption({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0, left: 0 },
        grid: { top: 34, left: 8, right: 16, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: c.names, inverse: true,
          axisLabel: { width: 110, overflow: "truncate" } },
        series: series
      });
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
