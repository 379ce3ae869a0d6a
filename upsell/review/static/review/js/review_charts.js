/* The review's charts, drawn with plotly.js: plan / forecast / fact by month
   (data-chart="plan-months"), revenue by status over time (data-chart="status-revenue") and the
   status migration as a flow (data-chart="status-flow"). The numbers come from a json_script
   element named by data-source, labels and hover texts already in the reader's language; this
   file only draws, so the page keeps its strict Content-Security-Policy. */
(function () {
  "use strict";

  var PLAN = "#8a94a3";
  var FORECAST = "#1d5fbf";
  var FACT = "#2e8540";
  var STATUS_COLOURS = {
    "new": "#4e9bd8",
    "one_time": "#b7c1cd",
    "irregular": "#e0a43a",
    "regular": "#2e8540",
    "vip": "#6a3fb5",
    "partner": "#0f7c80",
    "reanimated": "#7fb24a",
    "lapsing": "#d9822b",
    "lost": "#b42318",
    "": "#d0d5dd"
  };

  function layout(data, extra) {
    var base = {
      margin: { l: 72, r: 18, t: 14, b: 58 },
      separators: data.separators,
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: window.getComputedStyle(document.body).fontFamily, size: 12, color: "#5f6b7a" },
      legend: { orientation: "h", y: -0.25 },
      xaxis: { type: "category", fixedrange: true, showgrid: false },
      yaxis: { tickformat: ",.0f", gridcolor: "#edf0f3", fixedrange: true, rangemode: "tozero" },
      hoverlabel: { bgcolor: "#17202e", bordercolor: "#17202e", font: { color: "#fff" } }
    };
    return Object.assign(base, extra || {});
  }

  function planMonths(data) {
    var styles = [
      { type: "scatter", mode: "lines+markers", line: { color: PLAN, dash: "dash" } },
      { type: "scatter", mode: "lines+markers", line: { color: FORECAST } },
      { type: "bar", marker: { color: FACT } }
    ];
    var traces = data.series.map(function (series, index) {
      return Object.assign({
        name: series.name,
        x: data.labels,
        y: series.values,
        hovertext: series.hover,
        hoverinfo: "x+name+text"
      }, styles[index]);
    });
    return { traces: traces, layout: layout(data, { bargap: 0.35 }) };
  }

  function statusRevenue(data) {
    var traces = data.series.map(function (series) {
      return {
        type: "scatter",
        mode: "lines",
        stackgroup: "statuses",
        name: series.name,
        x: data.labels,
        y: series.values,
        hovertext: series.hover,
        hoverinfo: "x+name+text",
        line: { width: 0.5, color: STATUS_COLOURS[series.status] || PLAN }
      };
    });
    return { traces: traces, layout: layout(data) };
  }

  function statusFlow(data) {
    var trace = {
      type: "sankey",
      arrangement: "fixed",
      node: {
        label: data.nodes,
        color: data.statuses.map(function (status) { return STATUS_COLOURS[status] || PLAN; }),
        pad: 14,
        thickness: 14
      },
      link: {
        source: data.source,
        target: data.target,
        value: data.value,
        customdata: data.hover,
        hovertemplate: "%{source.label} → %{target.label}: %{customdata}<extra></extra>",
        color: "rgba(29, 95, 191, 0.18)"
      }
    };
    return { traces: [trace], layout: layout(data, { margin: { l: 8, r: 8, t: 8, b: 8 } }) };
  }

  var CHARTS = { "plan-months": planMonths, "status-revenue": statusRevenue, "status-flow": statusFlow };

  function draw(element) {
    var source = document.getElementById(element.dataset.source);
    var chart = CHARTS[element.dataset.chart];
    if (!source || !chart || !window.Plotly) {
      return;
    }
    var figure = chart(JSON.parse(source.textContent));
    var config = { displayModeBar: false, responsive: true };
    window.Plotly.newPlot(element, figure.traces, figure.layout, config).then(function () {
      element.classList.add("drawn");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      if (CHARTS[element.dataset.chart]) {
        draw(element);
      }
    });
  });
})();
