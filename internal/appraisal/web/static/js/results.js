// Pingyi — charts of a campaign's results page. The data comes from the
// page's <script type="application/json" id="results-data"> block (made by
// results_page.go); the tables on the page show the same without
// JavaScript. Needs ECharts (/static/vendor/echarts.min.js), loaded before.
(function () {
  "use strict";
  var block = document.getElementById("results-data");
  if (!block || !window.echarts) return;
  var d;
  try { d = JSON.parse(block.textContent); } catch (e) { return; }
  var font = 'system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
  var charts = [];

  function chart(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    var c = window.echarts.init(el, null, { renderer: "canvas" });
    charts.push(c);
    el.setAttribute("data-rendered", "1");
    return c;
  }

  // Satisfaction rate of each org target, with the campaign average (R3).
  if (d.orgs && d.orgs.length) {
    // One bar of 22px per organization: a township of forty branches
    // stays readable.
    var box = document.getElementById("chart-rates");
    if (box) box.style.height = Math.max(320, 22 * d.orgs.length + 90) + "px";
    var rates = chart("chart-rates");
    if (rates) {
      var series = {
        type: "bar", data: d.rates, itemStyle: { color: "#c00000" }, barMaxWidth: 28,
        label: { show: d.orgs.length <= 12, position: "right", formatter: "{c}%" }
      };
      if (d.average !== null && d.average !== undefined) {
        series.markLine = {
          symbol: "none", silent: true, lineStyle: { color: "#b8860b", type: "dashed", width: 2 },
          label: { show: false }, data: [{ xAxis: d.average }]
        };
      }
      rates.setOption({
        animation: false,
        textStyle: { fontFamily: font },
        title: {
          text: d.title, left: 0, textStyle: { fontSize: 15 },
          subtext: d.average !== null && d.average !== undefined ? "┆ " + d.avgLabel + " " + d.average + "%" : "",
          subtextStyle: { color: "#7a5a00", fontSize: 13 }
        },
        grid: { left: 8, right: 48, top: 64, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + "%"; } },
        xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        yAxis: { type: "category", data: d.orgs, inverse: true, axisLabel: { width: 120, overflow: "truncate" } },
        series: [series]
      });
    }
  } else {
    var el = document.getElementById("chart-rates");
    if (el) el.style.display = "none";
  }

  // Distribution of the ratings per target type, as shares (stacked to
  // 100%: a thousand members and forty organizations side by side).
  if (d.types && d.types.length) {
    var dist = chart("chart-dist");
    var totals = d.types.map(function (_, i) {
      return d.series.reduce(function (sum, s) { return sum + s.data[i]; }, 0);
    });
    var pct = function (v, i) { return totals[i] ? Math.round(1000 * v / totals[i]) / 10 : 0; };
    if (dist) {
      dist.setOption({
        animation: false,
        textStyle: { fontFamily: font },
        title: { text: d.distTitle, left: 0, textStyle: { fontSize: 15 } },
        legend: { bottom: 0 },
        grid: { left: 8, right: 16, top: 52, bottom: 40, containLabel: true },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + "%"; } },
        xAxis: { type: "category", data: d.types },
        yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        series: d.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "all", data: s.data.map(pct), itemStyle: { color: s.color }, barMaxWidth: 64 };
        })
      });
    }
  }

  var timer;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
  });
})();
