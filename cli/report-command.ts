import { renderSummary } from "../runtime/backtest/summary.js";
import { readBoundedFile } from "../runtime/bounded-file.js";
import { renderLatency } from "../runtime/latency/render-latency.js";
import { LogFormatError, LogReader } from "../runtime/log/log-reader.js";
import { logLayoutProblem, logUnits, summarizeLog } from "../runtime/report/log-summary.js";
import { reportPage } from "../runtime/report/report-page.js";
import { reportData } from "../runtime/report/report-data.js";
import { REJECT_REASONS } from "../compiler/ir.js";
import { writeOutputFile } from "./output-file.js";

export interface ReportOptions {
  readonly out?: string;
  readonly format: "text" | "json";
  /** Print only where the page went (the demo has just printed the backtest's own summary). */
  readonly pageOnly?: boolean;
}

/** Logs are read whole: 1 GiB holds about 22 million records. */
const MAX_LOG_BYTES = 1 << 30;

/**
 * `lockstep report RUN.lsl [--out REPORT.html]`: the backtest's summary recomputed from its log alone,
 * and a self-contained HTML page of the run. A log that cannot be read is one line and exit 1.
 */
export function runReport(path: string, opts: ReportOptions): number {
  const bytes = readBoundedFile(path, MAX_LOG_BYTES);
  if ("error" in bytes) return fail(bytes.error);
  let log: LogReader;
  try {
    log = new LogReader(bytes);
  } catch (e) {
    if (e instanceof LogFormatError) return fail(`${path}: ${e.message}`);
    throw e;
  }
  const problem = logLayoutProblem(log);
  if (problem !== undefined) return fail(`${path}: ${problem}; give a log written by lockstep backtest --log`);
  const units = logUnits(log, REJECT_REASONS);
  const { summary, tickToTrade } = summarizeLog(log, units);
  const m = log.metadata;
  // the page first: a page that cannot be written is refused before anything is printed
  let kb = 0;
  if (opts.out !== undefined) {
    const html = reportPage(reportData(log, units, summary, tickToTrade, path));
    const problem = writeOutputFile(opts.out, Buffer.from(html), [path]);
    if (problem !== undefined) return fail(problem);
    kb = Math.round(html.length / 1024);
  }
  if (opts.pageOnly) process.stdout.write(`  report: ${opts.out} (${kb} KB)\n`);
  else if (opts.format === "json") process.stdout.write(`${JSON.stringify({ program: m.program, data: m.data, simulator: m.simulator, ...withoutWall(summary), tickToTrade }, null, 2)}\n`);
  else {
    const title = `${m.program} on ${m.data} (from ${path}: ${log.length.toLocaleString("en-US")} records)`;
    const events = `  events        ${summary.events.toLocaleString("en-US")} over ${summary.marketSeconds.toLocaleString("en-US", { maximumFractionDigits: 1 })} s of market time`;
    process.stdout.write(renderSummary(summary, title).replace(/^ {2}events .*$/m, events));
    process.stdout.write(tickToTrade.samples > 0 ? renderLatency(tickToTrade) : "  tick-to-trade not in this log (lockstep backtest --log-latency writes it)\n");
    if (opts.out !== undefined) process.stdout.write(`  report: ${opts.out} (${kb} KB)\n`);
  }
  return 0;
}

/** The log has no wall clock: the summary's speed fields mean nothing here. */
function withoutWall<T extends { wallSeconds: number; eventsPerSecond: number }>(s: T): Omit<T, "wallSeconds" | "eventsPerSecond"> {
  const { wallSeconds: _w, eventsPerSecond: _e, ...rest } = s;
  return rest;
}

function fail(message: string): number {
  process.stderr.write(`lockstep: ${message}\n`);
  return 1;
}
