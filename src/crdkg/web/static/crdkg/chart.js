// The /statistics chart: GDP per person by macro-region, with the strategies' launch years.
// Its data is the page's <script type="application/json" id="gdp-data"> block (no inline script:
// the server's Content-Security-Policy runs only crdkg's own files).
(function () {
  const data = JSON.parse(document.getElementById("gdp-data").textContent);
  const launchLines = {
    id: "launches",
    afterDatasetsDraw(chart) {
      const x = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
      ctx.save();
      data.launches.forEach((l, i) => {
        const at = x.getPixelForValue(data.years.indexOf(l.year));
        ctx.strokeStyle = "#555"; ctx.setLineDash([5, 4]);
        ctx.beginPath(); ctx.moveTo(at, area.top); ctx.lineTo(at, area.bottom); ctx.stroke();
        ctx.setLineDash([]); ctx.fillStyle = "#333"; ctx.font = "12px system-ui, sans-serif";
        ctx.fillText(l.label, at + 4, area.top + 14 + 16 * i);
      });
      ctx.restore();
    }
  };
  window.crdkgChart = new Chart(document.getElementById("gdp-chart"), {
    type: "line",
    data: { labels: data.years, datasets: data.datasets },
    options: { maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } },
    plugins: [launchLines]
  });
  window.crdkgLaunches = data.launches;
})();
