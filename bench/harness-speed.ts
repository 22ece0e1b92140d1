/**
 * Speed of `lockstep test`, stage by stage, per example: CPU time per stream to generate the streams, to
 * load each stream's parameters (exact derived parameters), to run the reference, and to run and compare
 * each software target. Baselines in the same run: the BigInt interpreter (the definition) against the
 * closure interpreter the harness runs, and the parameter loader in lowest terms against the lazy one.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/harness-speed.js [examples/glft.lstep ...] [--streams N]
 *
 * The streams are the ones `lockstep test --seed 1` generates after its first round of scenarios (the
 * steady state of a long run); times are process CPU time, so a busy machine slows them less than wall
 * time, except the targets' rows: the harness's own clock around each target's pass (wall time).
 */
import { readFileSync } from "node:fs";
import { evalDerived, ParameterError, parameterVector, quantize } from "../compiler/derived-eval.js";
import * as X from "../compiler/exact-math.js";
import { Interpreter } from "../compiler/interpret.js";
import type { IrProgram } from "../compiler/ir.js";
import { compileSource } from "../compiler/pipeline.js";
import { CaseGenerator } from "../targets/agreement/case-generator.js";
import { Coverage } from "../targets/agreement/coverage.js";
import { interpreterEngine, type TargetEngine } from "../targets/agreement/engine.js";
import { loadTarget, SOFTWARE_TARGETS } from "../targets/agreement/load-targets.js";
import { runStream, type Stats } from "../targets/agreement/run-agreement.js";
import type { Case } from "../targets/agreement/scenarios.js";
import { isParamStep } from "../targets/agreement/streams.js";

const args = process.argv.slice(2);
const at = args.indexOf("--streams");
const STREAMS = at >= 0 ? Number(args[at + 1]) : 20_000;
const files = args.filter((a) => a.endsWith(".lstep"));
const examples = files.length ? files : ["examples/avellaneda.lstep", "examples/glft.lstep", "examples/grid.lstep", "examples/breakout.lstep"];

/** CPU milliseconds of this process spent in f. */
function cpu(f: () => void): number {
  const t0 = process.cpuUsage();
  f();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
}

/** The BigInt interpreter as a reference engine: the baseline. */
function bigIntReference(ir: IrProgram): TargetEngine {
  const it = new Interpreter(ir, true);
  return { name: "interpreter", reset: (p) => it.reset(p), reload: (p) => it.reload(p), step: (k, t, a, b, c, d) => it.step(k, t, a, b, c, d), state: (i) => it.state[i], output: (i) => it.outputs[i] };
}

/** The loader in lowest terms throughout: what parameterVector did before X.lazy. */
function reducedVector(ir: IrProgram, raw: readonly bigint[]): void {
  const base = ir.params.map((p, i) => X.rat(raw[i], 1n << BigInt(p.frac)));
  const derived: X.Rational[] = [];
  for (const d of ir.derived) {
    const q = quantize(evalDerived(d.expr, base, derived), d.frac);
    derived.push(X.rat(q < d.range.lo ? d.range.lo : q > d.range.hi ? d.range.hi : q, 1n << BigInt(d.frac)));
  }
}

const perStream = (ms: number, n: number) => `${((ms * 1000) / n).toFixed(1)} µs`;

async function bench(path: string): Promise<string[][]> {
  const c = compileSource(path, readFileSync(path, "utf8"));
  if (!c.ir) throw new Error(`${path} does not compile`);
  const ir = c.ir;
  const coverage = new Coverage(ir);
  const gen = new CaseGenerator(ir, 1, coverage);
  const reference = interpreterEngine(ir, coverage);
  // the first round of scenarios (a fixed cost per run) and the guided cases it feeds, outside the timing
  let i = 0;
  for (; i < 3_000; i++) {
    const k = gen.next(i);
    const before = coverage.covered;
    runStream(ir, k.base, k.stream, reference, []);
    gen.feedback(k, coverage.covered > before);
  }
  const cases: Case[] = [];
  const genMs = cpu(() => {
    for (let k = 0; k < STREAMS; k++, i++) {
      const kase = gen.next(i);
      const before = coverage.covered;
      cases.push(kase);
      // the feedback the run gives (coverage growth) steers the guided cases
      runStream(ir, kase.base, kase.stream, reference, []);
      gen.feedback(kase, coverage.covered > before);
    }
  });
  const refMs = cpu(() => {
    for (const k of cases) runStream(ir, k.base, k.stream, reference, []);
  });
  const events = cases.reduce((n, k) => n + k.stream.filter((s) => !isParamStep(s)).length, 0);
  const bigMs = cpu(() => {
    const big = bigIntReference(ir);
    for (const k of cases) runStream(ir, k.base, k.stream, big, []);
  });
  const bases = cases.map((k) => k.base);
  const lazyMs = cpu(() => {
    for (const b of bases)
      try {
        parameterVector(ir, b);
      } catch (e) {
        if (!(e instanceof ParameterError)) throw e;
      }
  });
  const reducedMs = cpu(() => bases.forEach((b) => reducedVector(ir, b)));
  const rows = [
    [ir.name, "generation (includes its reference run)", perStream(genMs - refMs, STREAMS), ""],
    [ir.name, "parameters: lowest terms (baseline)", perStream(reducedMs, STREAMS), "1.00"],
    [ir.name, "parameters: lazy (the loader)", perStream(lazyMs, STREAMS), (lazyMs / reducedMs).toFixed(2)],
    [ir.name, "reference: BigInt interpreter (baseline)", perStream(bigMs, STREAMS), "1.00"],
    [ir.name, "reference: closure interpreter", perStream(refMs, STREAMS), (refMs / bigMs).toFixed(2)],
  ];
  for (const t of SOFTWARE_TARGETS) {
    const e = await loadTarget(ir, t, { kind: "fresh" });
    if ("error" in e) throw new Error(e.error);
    const stats = new Map<string, Stats>();
    cpu(() => cases.forEach((k) => runStream(ir, k.base, k.stream, reference, [e], stats)));
    rows.push([ir.name, `${t}: step and batch, compared`, perStream(stats.get(t)!.ms, STREAMS), ""]);
  }
  rows.push([ir.name, `(${STREAMS} streams, ${(events / STREAMS).toFixed(0)} events each on average)`, "", ""]);
  return rows;
}

const rows = [["example", "stage", "per stream", "ratio"]];
for (const f of examples) rows.push(...(await bench(f)));
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
