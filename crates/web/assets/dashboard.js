// Draws the dashboard's charts from the JSON island the server put on the page. Without this
// script (or ECharts) the same figures stay readable in the tables under each chart.
(function () {
  'use strict';
  var island = document.getElementById('dashboard-data');
  if (!island || !window.echarts) return;
  var data = JSON.parse(island.textContent);
  // Shows the chart boxes before drawing, so that each is measured at its real width.
  document.body.classList.add('charts-drawn');
  var brand = '#1d5fa8', green = '#1e7a46', amber = '#e0a100', red = '#b42318', grey = '#9aa5b1';
  var palette = [brand, amber, green, red, '#6b4fbb', '#0e8a8a', grey, '#c2410c', '#4d7c0f'];
  var charts = [];

  function draw(id, option) {
    var node = document.getElementById(id);
    if (!node) return;
    var chart = echarts.init(node, null, { renderer: 'canvas' });
    option.color = option.color || palette;
    option.textStyle = { fontFamily: getComputedStyle(document.body).fontFamily };
    option.animation = false;
    chart.setOption(option);
    charts.push(chart);
  }
  var grid = { left: 8, right: 16, top: 28, bottom: 8, containLabel: true };

  draw('chart-intake', {
    grid: grid,
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: data.intake.days, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name: data.intake.title, data: data.intake.counts, itemStyle: { color: brand } }]
  });

  draw('chart-open', {
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { bottom: 0, type: 'scroll' },
    series: [{ type: 'pie', radius: ['38%', '66%'], center: ['50%', '44%'], data: data.open.items, label: { formatter: '{b}\n{c}' } }]
  });

  draw('chart-sla', {
    grid: grid,
    tooltip: { trigger: 'axis', valueFormatter: function (v) { return v == null ? '—' : v + '%'; } },
    xAxis: { type: 'category', data: data.sla.clocks },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: [{
      type: 'bar', name: data.sla.title, data: data.sla.shares, barMaxWidth: 48,
      label: { show: true, position: 'top', formatter: '{c}%' },
      itemStyle: { color: function (p) { return p.value >= 90 ? green : p.value >= 75 ? amber : red; } }
    }]
  });

  draw('chart-csat', {
    grid: grid,
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: data.csat.weeks },
    yAxis: { type: 'value', min: 1, max: 5 },
    series: [{ type: 'line', name: data.csat.label, data: data.csat.averages, connectNulls: true, symbolSize: 8, label: { show: true }, itemStyle: { color: green } }]
  });

  var trend = data.trend;
  draw('chart-trend', {
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0, type: 'scroll' },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: trend.months, axisLabel: { hideOverlap: true } },
    yAxis: [{ type: 'value', minInterval: 1 }, { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } }],
    series: [
      { type: 'bar', name: trend.labels[0], data: trend.tickets, barMaxWidth: 28, itemStyle: { color: brand } },
      { type: 'bar', name: trend.labels[1], data: trend.complaints, barMaxWidth: 28, itemStyle: { color: amber } },
      { type: 'line', name: trend.labels[2], data: trend.closed_loop, yAxisIndex: 1, connectNulls: true, symbolSize: 8, itemStyle: { color: green } }
    ]
  });

  var projects = data.projects;
  var byKind = function (kind) { return projects.series.filter(function (s) { return s.kind === kind; }); };
  var minutes = byKind('minutes')[0];
  draw('chart-response', {
    grid: { left: 8, right: 40, top: 8, bottom: 28, containLabel: true },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'value', name: minutes.name, nameLocation: 'middle', nameGap: 24 },
    yAxis: { type: 'category', data: projects.names, inverse: true },
    series: [{ type: 'bar', name: minutes.name, data: minutes.values, barMaxWidth: 28, label: { show: true, position: 'right' }, itemStyle: { color: brand } }]
  });

  var percent = byKind('percent')[0];
  draw('chart-projects', {
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0, type: 'scroll' },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: projects.names, axisLabel: { interval: 0, overflow: 'break', width: 90 } },
    yAxis: [{ type: 'value', minInterval: 1 }, { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } }],
    series: byKind('count').map(function (s) {
      return { type: 'bar', name: s.name, data: s.values, barMaxWidth: 36 };
    }).concat([{ type: 'line', name: percent.name, data: percent.values, yAxisIndex: 1, symbolSize: 8, itemStyle: { color: green } }])
  });

  var pending;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 100);
  });
})();
