import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { HEADER_FIXED_BYTES, LatencyKind, RECORD_BYTES, RecordType } from "../../runtime/log/log-format.js";
import { LogReader } from "../../runtime/log/log-reader.js";
import { encodeHeader } from "../../runtime/log/log-writer.js";
import { checkPage } from "../report/page-in-browser.js";
import { lockstepAsync } from "./run-cli.js";

const SOURCE = "examples/avellaneda.lstep";
const DATA = "examples/data/btcusdt-20240808-excerpt.jsonl.gz";
/** Set to a path (docs/report.png) to save a screenshot of the page the browser test opens. */
const SCREENSHOT = process.env.LOCKSTEP_REPORT_SCREENSHOT;

const RUNS = [
  // the README's run, with its tick-to-trade samples in the log
  { log: "run.lsl", args: ["--maker-fee", "-0.5", "--taker-fee", "4", "--log-latency"] },
  { log: "plain.lsl", args: ["--maker-fee", "-0.5", "--taker-fee", "4"] },
  // taker fills, fees both ways, messages in flight at the end (a 20-s order latency keeps the last ones on the wire)
  { log: "taker.lsl", args: ["--allow-taker", "--taker-fee", "4", "--order-latency", "20000000000", "--queue", "probabilistic", "--log-latency"] },
];

/** The log's bytes without its wall-clock tick-to-trade records. */
function withoutWallClock(bytes: Buffer): Buffer {
  const log = new LogReader(bytes);
  const first = bytes.length - log.length * RECORD_BYTES;
  const kept = [bytes.subarray(0, first)];
  for (let i = 0; i < log.length; i++)
    if (!(log.type(i) === RecordType.latency && log.aux(i) === LatencyKind.wallTickToTrade)) kept.push(bytes.subarray(first + i * RECORD_BYTES, first + (i + 1) * RECORD_BYTES));
  return Buffer.concat(kept);
}

describe("lockstep report", () => {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-report-"));
  let backtests: { code: number; stdout: string; stderr: string }[] = [];
  beforeAll(async () => {
    backtests = await Promise.all(RUNS.map((r) => lockstepAsync("backtest", SOURCE, "--data", DATA, "--format", "json", "--log", join(dir, r.log), ...r.args)));
  }, 120_000);

  it("recomputes the backtest's figures and tick-to-trade from the log alone; a log with latency samples is the plain log plus those records", async () => {
    // the loader's one note (a depth level finer than the lot, rounded up) is the only thing on stderr
    const notesOnly = (stderr: string) => stderr.split("\n").every((line) => line === "" || /: note: /.test(line));
    expect(backtests.map((b) => [b.code, notesOnly(b.stderr)])).toEqual(RUNS.map(() => [0, true]));
    const reports = await Promise.all(RUNS.map((r) => lockstepAsync("report", join(dir, r.log), "--format", "json")));
    expect(reports.map((r) => [r.code, r.stderr])).toEqual(RUNS.map(() => [0, ""]));
    for (const [k, b] of backtests.entries()) {
      const { wallSeconds: _w, eventsPerSecond: _e, target: _t, tickToTrade, ...expected } = JSON.parse(b.stdout);
      const { tickToTrade: fromLog, ...figures } = JSON.parse(reports[k].stdout);
      expect(figures).toEqual(expected);
      // the same samples give the same percentiles; a log without them has none
      if (RUNS[k].args.includes("--log-latency")) expect(fromLog).toEqual(tickToTrade);
      else expect(fromLog.samples).toBe(0);
    }
    const timed = JSON.parse(backtests[0].stdout);
    expect(timed.tickToTrade.samples).toBeGreaterThan(1000);
    expect(timed.tickToTrade.p50Ns).toBeLessThanOrEqual(timed.tickToTrade.p99Ns);
    expect(JSON.parse(backtests[1].stdout).tickToTrade.samples).toBe(timed.tickToTrade.samples);
    const taker = JSON.parse(backtests[2].stdout);
    expect(taker.takerFills).toBeGreaterThan(0);
    expect(taker.inFlightAtEnd).toBeGreaterThan(0);
    const timedLog = readFileSync(join(dir, "run.lsl"));
    const plainLog = readFileSync(join(dir, "plain.lsl"));
    expect(timedLog.length).toBeGreaterThan(plainLog.length);
    expect(Buffer.compare(withoutWallClock(timedLog), plainLog)).toBe(0);
  }, 120_000);

  it("refuses a log with a wrong magic, another version, a truncated record or another program's metadata in one line, exit 1, writing no page", async () => {
    const bytes = readFileSync(join(dir, "plain.lsl"));
    const magic = Buffer.from(bytes);
    magic.write("NOTALOG!", 0, "latin1");
    const version = Buffer.from(bytes);
    version.writeUInt16LE(7, 8);
    const cases = [
      { name: "magic", bytes: magic, says: /bad magic "NOTALOG!".*not a Lockstep run log/ },
      { name: "version", bytes: version, says: /format version 7; this reader reads version 1/ },
      { name: "truncated", bytes: bytes.subarray(0, bytes.length - 5), says: /ends inside a record .*truncated/ },
      { name: "header", bytes: bytes.subarray(0, HEADER_FIXED_BYTES - 1), says: /ends inside the header/ },
      // a well-formed log from something else than a backtest: no quote outputs to read
      { name: "other", bytes: encodeHeader(new Uint8Array(32), { program: "p", source: "p.lstep", instrument: { name: "X", tick: "0.01", lot: "1" }, outputs: ["x"], data: "d", simulator: {} }), says: /the program's outputs: .*give a log written by lockstep backtest/ },
    ];
    for (const c of cases) writeFileSync(join(dir, `${c.name}.lsl`), c.bytes);
    const runs = await Promise.all(cases.map((c) => lockstepAsync("report", join(dir, `${c.name}.lsl`), "--out", join(dir, `${c.name}.html`))));
    for (const [k, r] of runs.entries()) {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(cases[k].says);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(existsSync(join(dir, `${cases[k].name}.html`))).toBe(false);
    }
  }, 120_000);

  it("writes a page that loads offline in headless Chromium without console errors, every chart drawn", async () => {
    const page = join(dir, "report.html");
    const r = await lockstepAsync("report", join(dir, "run.lsl"), "--out", page);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toMatch(/tick-to-trade p50 .* p99 .* p99\.9 .* max/);
    expect(statSync(page).size).toBeLessThan(400_000);
    const seen = await checkPage(page, SCREENSHOT);
    expect(seen.errors).toEqual([]);
    expect(seen.charts.map((c) => c.id)).toEqual(["pnl", "position", "quotes", "spread", "rejects", "latency"]);
    // every chart has its axes and grid (gray) and its data (coloured lines, points or bars)
    for (const c of seen.charts) {
      expect(c.painted / c.pixels, c.id).toBeGreaterThan(0.02);
      expect(c.colored / c.pixels, c.id).toBeGreaterThan(0.003);
    }
  }, 120_000);
});
