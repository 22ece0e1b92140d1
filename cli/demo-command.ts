import { basename, join, resolve } from "node:path";
import { RECORD_SIZE, tapeToRecords } from "../runtime/event-tape.js";
import { interpreterEngine, type TargetEngine } from "../targets/agreement/engine.js";
import { loadTarget, SOFTWARE_TARGETS } from "../targets/agreement/load-targets.js";
import { parameterVector } from "../compiler/derived-eval.js";
import { TARGETS, writeOutputs } from "./compile-command.js";
import { runBacktestCommand } from "./backtest-command.js";
import { loadData } from "./load-data.js";
import { compileOrReport } from "./read-source.js";
import { runReport } from "./report-command.js";
import { runTest } from "./test-command.js";

const DATA = "examples/data/btcusdt-20240808-excerpt.jsonl.gz";
const STREAMS = 2000;
/** GHDL simulates about 100 events/s: the demo runs the VHDL on a few streams only. */
const VHDL_STREAMS = 10;

/**
 * The main job on one file: compile it to every target, replay the bundled market data through the
 * reference interpreter and each target (comparing every event), run the agreement tests, backtest it on
 * the bundled data with its report page, and say where the outputs are.
 */
export async function runDemo(file: string, out: string): Promise<number> {
  const ir = compileOrReport(file);
  if (!ir) return 1;
  const written = await writeOutputs(ir, out, TARGETS, true);
  process.stdout.write(`compiled ${file} (${ir.name}) to ${TARGETS.join(", ")} (both HDL tops; the engine is simulated below): ${ir.handlers.reduce((n, h) => n + h.body.length, 0)} IR ops, ${ir.derived.length} derived parameters, ${ir.luts.length} lookup tables\n`);
  const engines: TargetEngine[] = [interpreterEngine(ir)];
  for (const t of SOFTWARE_TARGETS) {
    const e = await loadTarget(ir, t, { kind: "artifacts", dir: out });
    if ("error" in e) {
      process.stderr.write(`lockstep: ${e.error}\n`);
      return 2;
    }
    engines.push(e);
  }
  const replayed = replayMarketData(ir, engines);
  if (typeof replayed === "string") {
    process.stderr.write(`${replayed}\n`);
    return 2;
  }
  process.stdout.write(
    `replayed ${replayed.events} events of ${DATA} through the interpreter, ts and wasm: identical state and outputs after every event (${replayed.quotes} quotes; last bid ${replayed.bid}, ask ${replayed.ask} ticks)\n`,
  );
  process.stdout.write(`\nagreement tests on ${STREAMS} generated streams, ${VHDL_STREAMS} of them through GHDL (the files just written; Verilator builds its model once, cached):`);
  const test = await runTest(file, { runs: STREAMS, seed: 1, targets: ["all"], vhdlRuns: VHDL_STREAMS, artifacts: out, failures: out });
  const stem = basename(file).replace(/\.lstep$/, "");
  const log = join(out, `${stem}.lsl`);
  const page = join(out, `${stem}-report.html`);
  process.stdout.write(`\nbacktest on ${DATA}: the compiled WASM strategy, its order manager and risk check, a simulated exchange (maker rebate 0.5 bps, taker fee 4 bps, 1 ms order latency):\n`);
  const backtest = await runBacktestCommand(file, { data: DATA, target: "wasm", depth: false, log, format: "text", queue: "conservative", feedLatency: 0, orderLatency: 1_000_000, makerFee: -0.5, takerFee: 4, allowTaker: false, logLatency: false });
  const report = backtest === 0 ? runReport(log, { out: page, format: "text", pageOnly: true }) : backtest;
  const outputs = backtest === 0 && report === 0 ? [...written, log, page] : written;
  process.stdout.write(["", "outputs:", ...outputs.map((p) => `  ${resolve(p)}`), "", "next: npm test   (the whole suite)", ""].join("\n"));
  return test.exitCode || backtest || report;
}

function replayMarketData(ir: import("../compiler/ir.js").IrProgram, engines: TargetEngine[]) {
  const data = loadData(DATA, ir);
  if ("error" in data) return data.error;
  const tape = data.tape;
  const records = tapeToRecords(tape);
  const params = parameterVector(ir, ir.params.map((p) => p.default));
  for (const e of engines) e.reset(params);
  let quotes = 0;
  const [ref, ...others] = engines;
  for (let at = 0; at < records.length; at += RECORD_SIZE) {
    const ev = [records[at], records[at + 1], records[at + 2], records[at + 3], records[at + 4], records[at + 5]] as const;
    ref.step(...ev);
    for (const e of others) {
      e.step(...ev);
      for (let i = 0; i < ir.state.length; i++)
        if (e.state(i) !== ref.state(i)) return `disagreement at event ${at / RECORD_SIZE}: ${e.name} state ${ir.state[i].name} is ${e.state(i)}, reference ${ref.state(i)}`;
      for (let i = 0; i < ir.outputs.length; i++)
        if (e.output(i) !== ref.output(i)) return `disagreement at event ${at / RECORD_SIZE}: ${e.name} output ${ir.outputs[i].name} is ${e.output(i)}, reference ${ref.output(i)}`;
    }
    if (ref.output(0) === 1n) quotes++;
  }
  return { events: tape.length, quotes, bid: ref.output(1), ask: ref.output(2) };
}
