import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LogReader } from "../../runtime/log/log-reader.js";
import { RecordType } from "../../runtime/log/log-format.js";
import { lockstepAsync } from "./run-cli.js";

const SOURCE = "examples/avellaneda.lstep";
const DATA = "examples/data/btcusdt-20240808-excerpt.jsonl.gz";
/** A program that compiles fast, for the refusals: tick 1, lot 1. */
const SMALL = "test/runtime/fixtures/join.lstep";

describe("lockstep backtest", () => {
  it("gives the same log byte for byte and the same figures on the TS and the WASM target", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-backtest-"));
    const [ts, wasm] = await Promise.all(
      (["ts", "wasm"] as const).map((target) =>
        lockstepAsync("backtest", SOURCE, "--data", DATA, "--target", target, "--log", join(dir, `${target}.lsl`), "--format", "json", "--maker-fee", "-0.5"),
      ),
    );
    // the excerpt's one depth level finer than the lot is rounded up, with a note (runtime/feed/jsonl-lines.ts)
    expect(ts.stderr).toBe(`${DATA}:1886: note: ask level quantity 25.42618900 is not a whole number of lots (lot 0.00001); rounded up to 2542619 lots\n`);
    expect([ts.code, wasm.code]).toEqual([0, 0]);
    const a = readFileSync(join(dir, "ts.lsl"));
    const b = readFileSync(join(dir, "wasm.lsl"));
    expect(Buffer.compare(a, b)).toBe(0);
    const figures = (s: string) => {
      const { wallSeconds: _w, eventsPerSecond: _e, target: _t, tickToTrade: _l, ...rest } = JSON.parse(s);
      return rest;
    };
    const summary = figures(ts.stdout);
    expect(figures(wasm.stdout)).toEqual(summary);
    expect(summary.events).toBe(7335);
    expect(summary.fills).toBeGreaterThan(0);
    // the fee is a rebate: -0.5 bps of the notional
    expect(summary.fees).toBeCloseTo(-summary.notional * 0.5e-4, 9);
    // the log holds every market event the strategy saw and every fill the summary counts
    const log = new LogReader(a);
    let market = 0;
    let fills = 0;
    for (let i = 0; i < log.length; i++) {
      if (log.type(i) === RecordType.market) market++;
      if (log.type(i) === RecordType.fill) fills++;
    }
    expect(market).toBe(7335);
    // a fill is logged when the exchange makes it; one still in flight at the end is not in the summary
    expect(fills).toBeGreaterThanOrEqual(summary.fills);
    expect(fills).toBeLessThanOrEqual(summary.fills + summary.inFlightAtEnd);
    expect(log.metadata.program).toBe("AvellanedaStoikov");
  }, 120_000);

  it("refuses a bad latency file with line and column, and a recording off the tick grid with its line, running nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-backtest-"));
    const lat = join(dir, "lat.csv");
    writeFileSync(lat, "t,feed,entry,response\n0,100,200,200\n10,1x,200,200\n0,1,1,1\n");
    const rec = join(dir, "rec.jsonl");
    writeFileSync(rec, '1 {"stream":"btcusdt@bookTicker","data":{"b":"61000.001","B":"1","a":"61000.01","A":"1"}}\n');
    const [badLatency, badData] = await Promise.all([
      lockstepAsync("backtest", SMALL, "--data", DATA, "--latency-file", lat, "--log", join(dir, "run.lsl")),
      lockstepAsync("backtest", SMALL, "--data", rec),
    ]);
    expect(badLatency.code).toBe(1);
    expect(badLatency.stderr).toContain(`${lat}:3:4: "1x" is not a whole number of nanoseconds`);
    expect(badLatency.stderr).toContain(`${lat}:4:1: time 0 does not come after the previous sample's 0`);
    expect(badLatency.stdout).toBe("");
    expect(existsSync(join(dir, "run.lsl"))).toBe(false);
    expect(badData.code).toBe(1);
    expect(badData.stderr).toContain(`${rec}:1: bid price 61000.001 is not a whole number of ticks (tick 1): off the tick grid of`);
  }, 60_000);

  it("takes a parameter file from lockstep params as it takes its JSON, and refuses a damaged one in one line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-backtest-"));
    const json = join(dir, "v.json");
    writeFileSync(json, '{ "q": 7 }\n');
    const bin = join(dir, "P.bin");
    expect((await lockstepAsync("params", SMALL, json, "-o", bin)).code).toBe(0);
    const bad = join(dir, "bad.bin");
    const damaged = readFileSync(bin);
    damaged[damaged.length - 1] ^= 1;
    writeFileSync(bad, damaged);
    // a few books and trades on SMALL's grid (tick 1, lot 1)
    const rec = join(dir, "rec.jsonl");
    const book = (t: number, b: number, a: number) => `${t} {"stream":"tusdt@bookTicker","data":{"b":"${b}","B":"40","a":"${a}","A":"40"}}`;
    const trade = (t: number, p: number, m: boolean) => `${t} {"stream":"tusdt@trade","data":{"p":"${p}","q":"60","m":${m}}}`;
    writeFileSync(rec, [book(1e9, 100, 102), trade(1.01e9, 100, true), book(1.02e9, 99, 101), trade(1.03e9, 101, false), book(1.04e9, 100, 102)].join("\n") + "\n");
    const run = (params: string) => lockstepAsync("backtest", SMALL, "--data", rec, "--params", params, "--format", "json");
    const [fromJson, fromBin, fromBad] = await Promise.all([run(json), run(bin), run(bad)]);
    const figures = (s: string) => {
      const { wallSeconds: _w, eventsPerSecond: _e, tickToTrade: _l, ...rest } = JSON.parse(s);
      return rest;
    };
    expect([fromJson.code, fromBin.code]).toEqual([0, 0]);
    expect(figures(fromBin.stdout)).toEqual(figures(fromJson.stdout));
    expect(fromBad.code).toBe(1);
    expect(fromBad.stdout).toBe("");
    expect(fromBad.stderr.trim().split("\n")).toHaveLength(1);
    expect(fromBad.stderr).toMatch(/^lockstep: .*bad\.bin: the parameter file is refused: /);
  }, 60_000);

  it("never writes its log over an input, and a report never writes its page over the log", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-backtest-"));
    const rec = join(dir, "rec.jsonl");
    const text = '1000000000 {"stream":"tusdt@bookTicker","data":{"b":"100","B":"40","a":"102","A":"40"}}\n';
    writeFileSync(rec, text);
    const log = join(dir, "sub", "run.lsl"); // its folder is made, as every output's
    const [overData, overSource, good] = await Promise.all([
      lockstepAsync("backtest", SMALL, "--data", rec, "--log", rec),
      lockstepAsync("backtest", SMALL, "--data", rec, "--log", join("test", "runtime", "..", "runtime", "fixtures", "join.lstep")),
      lockstepAsync("backtest", SMALL, "--data", rec, "--log", log),
    ]);
    expect([overData.code, overSource.code, good.code]).toEqual([1, 1, 0]);
    expect(overData.stderr).toBe(`lockstep: --log ${rec} is also an input (${rec}); choose another log file\n`);
    expect(overSource.stderr).toContain("is also an input (test/runtime/fixtures/join.lstep)");
    expect(readFileSync(rec, "utf8")).toBe(text);
    expect(readFileSync(SMALL, "utf8")).toMatch(/^# Joins/);
    const before = readFileSync(log);
    const report = await lockstepAsync("report", log, "--out", log);
    expect(report.code).toBe(1);
    expect(report.stdout).toBe("");
    expect(report.stderr).toBe(`lockstep: ${log} is also an input; choose another output file\n`);
    expect(Buffer.compare(readFileSync(log), before)).toBe(0);
  }, 60_000);

  it("gives the simulator the recording's level-2 rows with --depth, and refuses --depth on a recording without any", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-backtest-"));
    const rec = join(dir, "rec.jsonl");
    const depth = join(dir, "depth.jsonl");
    writeFileSync(rec, '1000000000 {"stream":"tusdt@bookTicker","data":{"b":"100","B":"40","a":"102","A":"40"}}\n');
    writeFileSync(
      depth,
      '1000000000 {"stream":"tusdt@bookTicker","data":{"b":"100","B":"40","a":"102","A":"40"}}\n' +
        '1000000001 {"stream":"tusdt@depth@100ms","data":{"b":[["100","40"],["99","7"]],"a":[["102","40"]]}}\n',
    );
    const [l1, l2, none] = await Promise.all([
      lockstepAsync("backtest", SMALL, "--data", depth, "--format", "json"),
      lockstepAsync("backtest", SMALL, "--data", depth, "--format", "json", "--depth"),
      lockstepAsync("backtest", SMALL, "--data", rec, "--depth"),
    ]);
    expect([l1.code, l2.code, none.code]).toEqual([0, 0, 1]);
    expect(JSON.parse(l1.stdout).simulator.queueData).toBe("book (L1)");
    expect(JSON.parse(l2.stdout).simulator.queueData).toBe("depth (L2, 3 rows)");
    expect(none.stderr).toBe(`lockstep: ${rec}: --depth, but the recording has no depth (level-2) rows; leave --depth out to run on the best bid and ask\n`);
  }, 60_000);
});
