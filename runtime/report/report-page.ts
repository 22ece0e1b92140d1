import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { ReportData } from "./report-data.js";

const require = createRequire(import.meta.url);

/** uPlot's script and stylesheet, read from the installed package: the page needs nothing else. */
function uplotAssets(): { js: string; css: string } {
  return {
    js: readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
    css: readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
/** Text inside a <script> element must not close it. */
const inScript = (s: string) => s.replace(/<\/(script)/gi, "<\\/$1");

/**
 * The report as one HTML file: the figures, then one uPlot chart per section, drawn by the script at
 * the end from the JSON in the page. Works offline (uPlot inlined, no request made).
 */
export function reportPage(d: ReportData): string {
  const { js, css } = uplotAssets();
  const cards = d.figures
    .map((f) => `<div class="card"><div class="label">${escapeHtml(f.label)}</div><div class="value">${escapeHtml(f.value)}</div>${f.note ? `<div class="note">${escapeHtml(f.note)}</div>` : ""}</div>`)
    .join("\n");
  const section = (id: string, title: string, caption: string) => `<section><h2>${title}</h2><p class="caption">${caption}</p><div class="chart" id="${id}"></div></section>`;
  const latency = d.latency
    ? section("latency", "Tick-to-trade latency", "Wall clock, from a market event handed to the strategy to the first order action it sends, for each event that sent one; log-spaced buckets (10 per decade). Dashed lines: p50, p99, p99.9.")
    : `<section><h2>Tick-to-trade latency</h2><p class="caption">This log holds no tick-to-trade sample: write them with <code>lockstep backtest … --log RUN.lsl --log-latency</code>.</p></section>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(d.title)} · Lockstep report</title>
<style>${css}</style>
<style>
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1f2328; background: #f6f8fa; margin: 0; }
  main { max-width: 1180px; margin: 0 auto; padding: 20px 24px 40px; }
  h1 { font-size: 22px; margin: 0 0 4px; }
  h2 { font-size: 16px; margin: 0 0 2px; }
  .subtitle, .caption, .settings { color: #57606a; margin: 0 0 10px; }
  .caption { font-size: 12.5px; }
  .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 10px; margin: 14px 0; }
  .card, section { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; }
  .card { padding: 10px 14px; }
  .label { color: #57606a; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
  .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
  .note { color: #57606a; font-size: 12px; }
  section { padding: 14px 16px 8px; margin: 14px 0; }
  .grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 0 14px; }
  .grid2 section { margin: 0 0 14px; min-width: 0; }
  @media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
  code { font-size: 12.5px; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(d.title)}</h1>
<p class="subtitle">${escapeHtml(d.subtitle)}</p>
<div class="cards">
${cards}
</div>
<p class="settings">${escapeHtml(d.settings)} Long series: ${escapeHtml(d.downsampled)}.</p>
${section("pnl", "P&amp;L over time", "Marked to mid (cash + inventory × mid − fees) and realized (closed quantity against the average cost, after fees), quote currency; fills counted when the exchange made them.")}
${section("position", "Inventory over time", "Position in the instrument's base units.")}
${section("quotes", "Quotes against the mid", "Our level-0 bid and ask (the last quote, held) around the mid; fills marked where the exchange made them: green we bought, red we sold. Zoom: drag across the chart; double-click resets.")}
<div class="grid2">
${section("spread", "Spread captured", "Per fill, its edge against the mid in basis points (left axis); the cumulative spread captured, edge × quantity, in the quote currency (right axis).")}
${section("rejects", "Rejects by reason", "Orders refused by the program's risk check, by reason, and by the exchange simulator.")}
</div>
${latency}
</main>
<script type="application/json" id="report-data">${JSON.stringify(d).replace(/</g, "\\u003c")}</script>
<script>${inScript(js)}</script>
<script>${inScript(PAGE_SCRIPT)}</script>
</body>
</html>
`;
}

/** The page's own script: builds each chart from the JSON; plain ES2019, no module, no request. */
const PAGE_SCRIPT = `"use strict";
(function () {
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var C = { blue: "#0969da", green: "#1a7f37", red: "#cf222e", gray: "#8c959f", orange: "#bc4c00", purple: "#8250df" };
  var HEIGHT = 260;
  var axisFont = "12px system-ui, sans-serif";
  var labelFont = "bold 12px system-ui, sans-serif";
  function axis(label, extra) {
    var a = { label: label, font: axisFont, labelFont: labelFont, stroke: "#57606a", grid: { stroke: "#eaeef2" }, ticks: { stroke: "#d0d7de" } };
    for (var k in extra || {}) a[k] = extra[k];
    return a;
  }
  var timeAxis = axis("time since the first market event (s)");
  function points(label, color) {
    return { label: label, stroke: color, fill: color, paths: function () { return null; }, points: { show: true, size: 9, width: 1, fill: color, stroke: color } };
  }
  /** Draws each bar's count above it. */
  function barLabels(u) {
    var ctx = u.ctx;
    ctx.save();
    ctx.font = labelFont;
    ctx.fillStyle = "#1f2328";
    ctx.textAlign = "center";
    for (var s = 1; s < u.series.length; s++) {
      u.data[s].forEach(function (v, i) {
        if (v == null) return;
        ctx.fillText(v.toLocaleString("en-US"), u.valToPos(u.data[0][i], "x", true), u.valToPos(v, "y", true) - 6);
      });
    }
    ctx.restore();
  }
  function make(id, opts, data) {
    var el = document.getElementById(id);
    opts.width = el.clientWidth;
    opts.height = HEIGHT;
    var u = new uPlot(opts, data, el);
    window.addEventListener("resize", function () { u.setSize({ width: el.clientWidth, height: HEIGHT }); });
    return u;
  }
  make("pnl", {
    scales: { x: { time: false } },
    series: [{ label: "t (s)" },
      { label: "marked to mid", stroke: C.blue, width: 1.5 },
      { label: "realized", stroke: C.green, width: 1.5 }],
    axes: [timeAxis, axis("P&L (quote currency)", { size: 70 })],
  }, [D.pnl.t, D.pnl.marked, D.pnl.realized]);
  make("position", {
    scales: { x: { time: false } },
    series: [{ label: "t (s)" }, { label: "inventory", stroke: C.purple, width: 1.5, fill: "rgba(130,80,223,0.08)" }],
    axes: [timeAxis, axis("inventory (base units)", { size: 70 })],
  }, [D.pnl.t, D.pnl.position]);
  make("quotes", {
    scales: { x: { time: false } },
    series: [{ label: "t (s)" },
      { label: "mid", stroke: C.gray, width: 1, spanGaps: true },
      { label: "our bid", stroke: C.green, width: 1, spanGaps: true },
      { label: "our ask", stroke: C.red, width: 1, spanGaps: true },
      points("buy fill", C.green),
      points("sell fill", C.red)],
    axes: [timeAxis, axis("price (quote currency)", { size: 80 })],
  }, [D.quotes.t, D.quotes.mid, D.quotes.bid, D.quotes.ask, D.quotes.buys, D.quotes.sells]);
  make("spread", {
    scales: { x: { time: false }, bps: {}, money: {} },
    series: [{ label: "t (s)" },
      { label: "edge per fill (bps)", scale: "bps", stroke: C.orange, fill: C.orange, paths: function () { return null; }, points: { show: true, size: 6, fill: C.orange } },
      { label: "captured (quote ccy)", scale: "money", stroke: C.blue, width: 1.5 }],
    axes: [timeAxis, axis("edge vs mid (bps)", { scale: "bps", size: 60 }), axis("captured (quote currency)", { scale: "money", side: 1, size: 70, grid: { show: false } })],
  }, [D.spread.t, D.spread.edgeBps, D.spread.captured]);
  var names = D.rejects.names;
  make("rejects", {
    scales: { x: { time: false, range: [-0.6, names.length - 0.4] }, y: { range: function (u, lo, hi) { return [0, Math.max(1, hi) * 1.1]; } } },
    series: [{ label: "reason", value: function (u, i) { return i == null ? "" : names[Math.round(i)]; } },
      { label: "risk check", stroke: C.red, fill: "rgba(207,34,46,0.55)", paths: uPlot.paths.bars({ size: [0.6, 80] }), points: { show: false } },
      { label: "exchange", stroke: C.orange, fill: "rgba(188,76,0,0.55)", paths: uPlot.paths.bars({ size: [0.6, 80] }), points: { show: false } }],
    axes: [axis("reason", { splits: function () { return names.map(function (_, i) { return i; }); }, values: function (u, splits) { return splits.map(function (i) { return names[i] || ""; }); } }), axis("orders refused", { size: 60 })],
    hooks: { draw: [barLabels] },
  }, [names.map(function (_, i) { return i; }),
    D.rejects.counts.map(function (n, i) { return D.rejects.exchange[i] ? null : n; }),
    D.rejects.counts.map(function (n, i) { return D.rejects.exchange[i] ? n : null; })]);
  if (D.latency) {
    var L = D.latency;
    function ns(v) { return v < 1e3 ? Math.round(v) + " ns" : v < 1e6 ? +(v / 1e3).toPrecision(3) + " µs" : v < 1e9 ? +(v / 1e6).toPrecision(3) + " ms" : +(v / 1e9).toPrecision(3) + " s"; }
    var marks = [["p50", L.figures.p50Ns], ["p99", L.figures.p99Ns], ["p99.9", L.figures.p999Ns]];
    var at = function (v) { return Math.log10(v) * 10 - Math.log10(L.fromNs[0]) * 10; };
    make("latency", {
      scales: { x: { time: false, range: [-0.6, L.counts.length - 0.4] }, y: { range: function (u, lo, hi) { return [0, Math.max(1, hi) * 1.1]; } } },
      series: [{ label: "from", value: function (u, i) { return i == null ? "" : ns(L.fromNs[Math.round(i)]); } },
        { label: "events", stroke: C.blue, fill: "rgba(9,105,218,0.5)", paths: uPlot.paths.bars({ size: [0.9, 40] }), points: { show: false } }],
      axes: [axis("tick-to-trade (log scale; p50 " + ns(L.figures.p50Ns) + ", p99 " + ns(L.figures.p99Ns) + ", p99.9 " + ns(L.figures.p999Ns) + ", max " + ns(L.figures.maxNs) + ")", {
          splits: function () { return L.fromNs.map(function (_, i) { return i; }).filter(function (i) { return Math.abs(Math.log10(L.fromNs[i]) * 2 - Math.round(Math.log10(L.fromNs[i]) * 2)) < 0.02; }); },
          values: function (u, splits) { return splits.map(function (i) { return ns(L.fromNs[i]); }); } }),
        axis("events", { size: 60 })],
      hooks: { draw: [function (u) {
        var ctx = u.ctx;
        ctx.save();
        ctx.setLineDash([5, 4]);
        ctx.strokeStyle = C.orange;
        ctx.fillStyle = C.orange;
        ctx.font = labelFont;
        ctx.lineWidth = 1.5;
        marks.forEach(function (m) {
          var x = u.valToPos(at(m[1]), "x", true);
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.fillText(m[0], x + 4, u.bbox.top + 14);
        });
        ctx.restore();
      }] },
    }, [L.fromNs.map(function (_, i) { return i; }), L.counts]);
  }
})();
`;
