import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ParamReload, RecordType } from "../../runtime/log/log-format.js";
import { LogReader } from "../../runtime/log/log-reader.js";
import { EVENT_RING, LOG_RING } from "../../runtime/live/ring-numbers.js";
import { PARAM_FILE_HEADER, paramChecksum } from "../../runtime/param-file.js";
import { lockstepAsync } from "./run-cli.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SOURCE = "examples/avellaneda.lstep";
const DATA = "examples/data/btcusdt-20240808-excerpt.jsonl.gz";
/** Tick 1, lot 1, one parameter q (the quoted size) in [1, 1000]: compiles fast. */
const SMALL = "test/runtime/fixtures/join.lstep";

/** The summary's figures without what the wall clock or the live shape adds. */
/** The figures a run and a backtest share: all but wall-clock ones (tick-to-trade is backtest's alone) and run's ring and reload counts. */
function figures(json: string) {
  const { wallSeconds: _w, eventsPerSecond: _e, tickToTrade: _t, rings: _r, collections: _c, reloads: _l, logRecords: _n, speed: _s, ...rest } = JSON.parse(json);
  return rest;
}

function records(log: LogReader, type: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < log.length; i++) if (log.type(i) === type) out.push(i);
  return out;
}

describe("lockstep run", () => {
  it("at --speed max gives the backtest's log byte for byte and its figures; a tiny dropping ring reports what it lost", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-run-"));
    const [backtest, run, dropping] = await Promise.all([
      lockstepAsync("backtest", SOURCE, "--data", DATA, "--log", join(dir, "backtest.lsl"), "--format", "json"),
      lockstepAsync("run", SOURCE, "--data", DATA, "--speed", "max", "--log", join(dir, "run.lsl"), "--format", "json"),
      lockstepAsync("run", SOURCE, "--data", DATA, "--speed", "max", "--ring-policy", "drop", "--ring-capacity", "1", "--log", join(dir, "drop.lsl"), "--format", "json"),
    ]);
    expect([backtest.code, run.code, dropping.code]).toEqual([0, 0, 0]);
    expect(Buffer.compare(readFileSync(join(dir, "run.lsl")), readFileSync(join(dir, "backtest.lsl")))).toBe(0);
    expect(figures(run.stdout)).toEqual(figures(backtest.stdout));
    const live = JSON.parse(run.stdout);
    expect(live.rings.map((r: { dropped: number }) => r.dropped)).toEqual([0, 0]);
    expect(live.rings[0].records).toBe(7335);

    const d = JSON.parse(dropping.stdout);
    const [events, logRing] = d.rings;
    expect(events.policy).toBe("drop");
    expect(events.dropped).toBeGreaterThan(0);
    expect(events.records + events.dropped).toBe(7335);
    expect(d.events).toBe(events.records);
    // the logger reports every log record it did not get; the strategy's reports of lost events may be lost in the log ring themselves
    const log = new LogReader(readFileSync(join(dir, "drop.lsl")));
    const lost = (ring: number) => records(log, RecordType.ringOverflow).filter((i) => log.aux(i) === ring).reduce((n, i) => n + log.field(i, 0), 0);
    expect(lost(LOG_RING)).toBe(logRing.dropped);
    expect(lost(EVENT_RING)).toBeLessThanOrEqual(events.dropped);
    if (logRing.dropped === 0) expect(lost(EVENT_RING)).toBe(events.dropped);
  }, 120_000);

  it("on SIGHUP swaps in a good parameter file between two events, and refuses each bad one keeping the old values", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-run-"));
    // 30 book events 100 ms apart: 3 s at --speed 1, time enough to signal
    const lines = Array.from({ length: 30 }, (_, i) => `${1e9 + i * 1e8} {"stream":"x@bookTicker","data":{"b":"${100 + (i % 3)}","B":"5","a":"${102 + (i % 3)}","A":"5"}}`);
    writeFileSync(join(dir, "rec.jsonl"), `${lines.join("\n")}\n`);
    writeFileSync(join(dir, "q10.json"), '{ "q": 10 }');
    writeFileSync(join(dir, "q20.json"), '{ "q": 20 }');
    const made = await Promise.all(["q10", "q20"].map((q) => lockstepAsync("params", SMALL, join(dir, `${q}.json`), "-o", join(dir, `${q}.bin`))));
    expect(made.map((m) => m.code)).toEqual([0, 0]);
    const good = readFileSync(join(dir, "q20.bin"));
    const edited = (edit: (b: Buffer) => void) => {
      const b = Buffer.from(good);
      edit(b);
      return b;
    };
    const bad: [string, Buffer][] = [
      ["no \"LSTEPPAR\" magic", edited((b) => (b[0] ^= 0xff))],
      ["another parameter layout", edited((b) => (b[16] ^= 0xff))],
      ["outside its range", edited((b) => {
        b.writeBigInt64LE(5000n, PARAM_FILE_HEADER);
        b.writeUInt32LE(paramChecksum(b, PARAM_FILE_HEADER, b.length), 28);
      })],
      ["truncated", good.subarray(0, good.length - 4)],
    ];
    const params = join(dir, "P.bin");
    writeFileSync(params, readFileSync(join(dir, "q10.bin")));

    const child = spawn(process.execPath, [`${ROOT}dist/cli/lockstep.js`, "run", SMALL, "--data", join(dir, "rec.jsonl"), "--speed", "1", "--params", params, "--log", join(dir, "run.lsl")], { cwd: ROOT, timeout: 60_000 });
    let stderr = "";
    const waiters: { text: string; count: number; resolve: () => void }[] = [];
    const seen = (text: string) => stderr.split(text).length - 1;
    child.stderr.setEncoding("utf8").on("data", (s: string) => {
      stderr += s;
      for (const w of waiters.splice(0)) if (seen(w.text) >= w.count) w.resolve(); else waiters.push(w);
    });
    const stdout: string[] = [];
    child.stdout.setEncoding("utf8").on("data", (s: string) => stdout.push(s));
    const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
    const until = (text: string, count = 1) => new Promise<void>((resolve) => (seen(text) >= count ? resolve() : waiters.push({ text, count, resolve })));

    await until("running as pid");
    for (const [i, [, bytes]] of bad.entries()) {
      writeFileSync(params, bytes);
      child.kill("SIGHUP");
      await until("the parameters in use are kept", i + 1);
    }
    writeFileSync(params, good);
    child.kill("SIGHUP");
    await until("reloaded");
    expect(await exited).toBe(0);
    for (const [why] of bad) expect(stderr).toContain(why);
    expect(stdout.join("")).toMatch(/reloads\s+1 applied, 4 refused/);

    const log = new LogReader(readFileSync(join(dir, "run.lsl")));
    const reloads = records(log, RecordType.paramReload);
    expect(reloads.map((i) => log.aux(i))).toEqual([ParamReload.initial, ...bad.map(() => ParamReload.refused), ParamReload.applied]);
    // refused: the parameter set in use (its hash) is the initial one; applied: another
    const initialHash = log.id(reloads[0]);
    expect(reloads.slice(1, 5).map((i) => log.id(i))).toEqual(bad.map(() => initialHash));
    const applied = reloads[5];
    expect(log.id(applied)).not.toBe(initialHash);
    // between two events: market records on both sides
    const market = records(log, RecordType.market);
    expect(market.some((i) => i < applied)).toBe(true);
    expect(market.some((i) => i > applied)).toBe(true);
    // the quoted size is q: 10 up to the swap (refusals changed nothing), 20 after it
    const quotes = records(log, RecordType.quote);
    const sizes = (qs: number[]) => [...new Set(qs.flatMap((i) => [log.field(i, 2), log.field(i, 3)]))];
    expect(sizes(quotes.filter((i) => i < applied))).toEqual([10]);
    expect(sizes(quotes.filter((i) => i > applied))).toEqual([20]);
  }, 60_000);
});
