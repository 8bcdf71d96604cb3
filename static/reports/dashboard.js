/* The dashboard's charts (ECharts, served from the project) and the bulletin's copy button.
   Data comes from the json_script element "report-chart-data": no inline script (Content-Security-Policy). */
(function () {
  "use strict";

  var charts = [];
  // One colour per measure, the same in every chart.
  var COLOURS = { activities: "#5470c6", participants: "#fac858", visits: "#91cc75" };

  function series(measure, name, type, values, axis) {
    return {
      name: name, type: type, data: values, yAxisIndex: axis || 0,
      itemStyle: { color: COLOURS[measure] }, lineStyle: { color: COLOURS[measure] }
    };
  }

  function chartData() {
    var node = document.getElementById("report-chart-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function baseOption() {
    return {
      // SVG prints sharply and scales with the page; Chinese labels use the page's fonts.
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis" },
      legend: { top: 40 },
      grid: { left: 56, right: 56, top: 96, bottom: 40, containLabel: true },
      animation: false
    };
  }

  function monthsChart(data) {
    var node = document.getElementById("chart-months");
    if (!node || typeof echarts === "undefined") { return; }
    var chart = echarts.init(node, null, { renderer: "svg" });
    var option = baseOption();
    option.title = { text: data.labels.months_title, left: "center", top: 8, textStyle: { fontSize: 15 } };
    option.xAxis = { type: "category", data: data.months };
    option.yAxis = [
      { type: "value", name: data.labels.activities, minInterval: 1 },
      { type: "value", name: data.labels.participants, minInterval: 1 }
    ];
    // Over time: lines may join the months.
    option.series = [
      series("activities", data.labels.activities, "bar", data.activities),
      series("participants", data.labels.participants, "line", data.participants, 1),
      series("visits", data.labels.visits, "line", data.visits, 1)
    ];
    chart.setOption(option);
    charts.push(chart);
  }

  function subunitsChart(data) {
    var node = document.getElementById("chart-subunits");
    if (!node || typeof echarts === "undefined") { return; }
    var chart = echarts.init(node, null, { renderer: "svg" });
    var option = baseOption();
    option.title = { text: data.labels.subunits_title, left: "center", top: 8, textStyle: { fontSize: 15 } };
    option.xAxis = { type: "category", data: data.subunits, axisLabel: { interval: 0, rotate: data.subunits.length > 6 ? 30 : 0 } };
    option.yAxis = [
      { type: "value", name: data.labels.activities, minInterval: 1 },
      { type: "value", name: data.labels.participants, minInterval: 1 }
    ];
    // Sub-units side by side are no sequence: bars only, never a line joining them.
    option.series = [
      series("activities", data.labels.activities, "bar", data.sub_activities),
      series("visits", data.labels.visits, "bar", data.sub_visits, 1),
      series("participants", data.labels.participants, "bar", data.sub_participants, 1)
    ];
    chart.setOption(option);
    charts.push(chart);
  }

  function resizeAll() {
    charts.forEach(function (chart) { chart.resize(); });
  }

  function copyBulletin() {
    var button = document.getElementById("copy-bulletin");
    var text = document.getElementById("bulletin-text");
    var status = document.getElementById("copy-status");
    if (!button || !text) { return; }
    button.addEventListener("click", function () {
      var value = text.textContent.trim();
      function done(ok) { status.textContent = ok ? button.dataset.copied : button.dataset.failed; }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(value).then(function () { done(true); }, function () { done(false); });
        return;
      }
      // Plain http on an office network: select the text and use the older copy command.
      var range = document.createRange();
      range.selectNodeContents(text);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      done(ok);
    });
  }

  function printButton() {
    var button = document.getElementById("print-report");
    if (button) { button.addEventListener("click", function () { window.print(); }); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var data = chartData();
    if (data) {
      monthsChart(data);
      subunitsChart(data);
    }
    copyBulletin();
    printButton();
    window.addEventListener("resize", resizeAll);
    window.addEventListener("beforeprint", resizeAll);
    window.addEventListener("afterprint", resizeAll);
  });
})();
