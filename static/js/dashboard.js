/* Dashboard charts: ECharts from the numbers the page embeds with json_script. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || !window.echarts) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var levelColors = ["#b3261e", "#e8711a", "#f2b705", "#7cb342", "#90a4ae", "#cfd8dc"];
  var charts = [];

  function make(id, option) {
    var el = document.getElementById(id);
    if (!el) {
      return;
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
  }

  make("chart-distribution", {
    color: levelColors,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 40, containLabel: true },
    xAxis: { type: "category", data: data.distribution.townships, axisLabel: { interval: 0 } },
    yAxis: { type: "value", minInterval: 1, name: "村数" },
    series: data.distribution.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "levels", data: s.data, barMaxWidth: 48 };
    })
  });

  make("chart-histogram", {
    color: ["#b3261e"],
    tooltip: { trigger: "axis" },
    grid: { left: 40, right: 40, top: 36, bottom: 30, containLabel: true },
    xAxis: { type: "category", data: data.histogram.labels, name: "得分", axisLabel: { interval: 0 } },
    yAxis: { type: "value", minInterval: 1, name: "村数" },
    series: [{ type: "bar", data: data.histogram.counts, barMaxWidth: 40 }]
  });

  make("chart-targets", {
    color: ["#90a4ae", "#b3261e"],
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 30, containLabel: true },
    xAxis: { type: "category", data: data.targets.labels },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: "目标", type: "bar", data: data.targets.target.map(Number), barMaxWidth: 40 },
      { name: "实际", type: "bar", data: data.targets.actual.map(Number), barMaxWidth: 40 }
    ]
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
