/* Monthly bar charts (elements with data-chart="monthly-bars"), drawn with plotly.js.
   The numbers come from a json_script element named by data-source, with the month labels and
   the hover texts already in the reader's language; this file only draws. No inline script is
   needed, so the page keeps its strict Content-Security-Policy. */
(function () {
  "use strict";

  var ACCENT = "#1d5fbf";
  var NEGATIVE = "#b42318";

  function draw(element) {
    var source = document.getElementById(element.dataset.source);
    if (!source || !window.Plotly) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var trace = {
      type: "bar",
      x: data.labels,
      y: data.values,
      hovertext: data.hover,
      hoverinfo: "x+text",
      marker: {
        color: data.values.map(function (value) { return value < 0 ? NEGATIVE : ACCENT; })
      }
    };
    var layout = {
      margin: { l: 72, r: 18, t: 14, b: 58 },
      separators: data.separators,
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: window.getComputedStyle(document.body).fontFamily, size: 12, color: "#5f6b7a" },
      bargap: 0.28,
      xaxis: { type: "category", tickangle: -45, dtick: 3, fixedrange: true, showgrid: false },
      yaxis: {
        tickformat: ",.0f",
        gridcolor: "#edf0f3",
        zeroline: true,
        zerolinecolor: "#c5ccd6",
        fixedrange: true,
        rangemode: "tozero"
      },
      hoverlabel: { bgcolor: "#17202e", bordercolor: "#17202e", font: { color: "#fff" } }
    };
    var config = { displayModeBar: false, responsive: true };
    window.Plotly.newPlot(element, [trace], layout, config).then(function () {
      element.classList.add("drawn");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll('[data-chart="monthly-bars"]').forEach(draw);
  });
})();
