import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Interpreter } from "../../compiler/interpret.js";
import { loadable } from "../../targets/agreement/run-agreement.js";
import { baseParams, eventStream, isParamStep, RESET, type StreamStep } from "../../targets/agreement/streams.js";
import { topProgram, type HdlTop } from "../../targets/hdl/hdl-top.js";
import { stepWithKillPin } from "../../targets/hdl/kill-pin.js";
import { latencyCycles } from "../../targets/hdl/lower-program.js";
import type { SimEngine } from "../../targets/hdl/sim-engine.js";
import { loadVerilogEngine } from "../../targets/verilog/verilator-engine.js";
import { notionalEdge, rateBurst } from "../synth/aimed-gateway-streams.js";
import { compileExample, EXAMPLES } from "./example-programs.js";
import { ensureHdlTools } from "./hdl-tools.js";

/** Streams per example; LOCKSTEP_HDL_STREAMS changes it. */
const STREAMS = Number(process.env.LOCKSTEP_HDL_STREAMS ?? 3_000);

const engines: SimEngine[] = [];
beforeAll(ensureHdlTools);
afterAll(() => engines.forEach((e) => e.close()));

type Case = { base: bigint[]; stream: StreamStep[]; pins: boolean[] };

/** A stream and a kill pin per step: low throughout in half the streams, else high now and then. */
const withPins = (streams: fc.Arbitrary<StreamStep[]>, program: Parameters<typeof baseParams>[0]): fc.Arbitrary<Case> =>
  fc
    .tuple(baseParams(program), streams, fc.boolean(), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 250, maxLength: 250 }))
    .map(([base, stream, quiet, draws]) => ({ base, stream, pins: stream.map((_, k) => !quiet && draws[k] === 0) }));

/**
 * Runs the cases through a top in one exchange (events back to back, one per clock) and through the
 * whole program on the reference interpreter with the kill pin modelled (kill-pin.ts); returns the first
 * disagreement in event_ok, an output or a state slot the top has (the gateway: accept, reason and the
 * state they depend on).
 */
function firstDisagreement(file: string, gateway: SimEngine, cases: readonly Case[], top: HdlTop = "gateway"): string | undefined {
  const program = compileExample(file);
  const slice = topProgram(program, top);
  const stateOf = slice.state.map((s) => program.state.findIndex((p) => p.name === s.name));
  const outputOf = slice.outputs.map((o) => program.outputs.findIndex((p) => p.name === o.name));
  gateway.prepareAll(
    cases.map((c) => [c.base, c.stream] as const),
    cases.map((c) => c.pins),
  );
  const reference = new Interpreter(program, true);
  for (const [i, { base, stream, pins }] of cases.entries()) {
    gateway.select(i);
    const params = loadable(program, base);
    if (!params) continue;
    reference.reset(params);
    gateway.reset(params);
    for (const [k, e] of stream.entries()) {
      if (isParamStep(e)) {
        const next = loadable(program, e.params!);
        if (!next) continue;
        if (e.kind === RESET) [reference, gateway].forEach((x) => x.reset(next));
        else [reference, gateway].forEach((x) => x.reload(next));
        continue;
      }
      const ok = stepWithKillPin(program, reference, pins[k], [e.kind, e.t, e.a, e.b, e.c, e.d]);
      gateway.setKillPin(pins[k]);
      const where = `stream ${i} step ${k} (kind ${e.kind} t=${e.t} a=${e.a} b=${e.b} c=${e.c} d=${e.d}, pin ${pins[k] ? 1 : 0})`;
      if (gateway.step(e.kind, e.t, e.a, e.b, e.c, e.d) !== ok) return `${where}: event_ok differs (reference ${ok})`;
      for (const [o, at] of outputOf.entries())
        if (gateway.output(o) !== reference.outputs[at]) return `${where}: ${slice.outputs[o].name} = ${gateway.output(o)}, reference ${reference.outputs[at]}`;
      for (const [s, at] of stateOf.entries())
        if (gateway.state(s) !== reference.state[at]) return `${where}: state ${slice.state[s].name} = ${gateway.state(s)}, reference ${reference.state[at]}`;
    }
  }
  return undefined;
}

describe.each(EXAMPLES)("%s: the gateway top, simulated by Verilator, agrees with the whole program on the reference", (file) => {
  it("keeps only the verdict's outputs and the state it depends on", () => {
    const program = compileExample(file);
    const slice = topProgram(program, "gateway");
    expect(slice.outputs.map((o) => o.name)).toEqual(["accept", "reason"]);
    const kept = slice.state.map((s) => s.name);
    for (const name of ["position", "last_time", "kill_switch", "rate_tat"]) expect(kept).toContain(name);
    // the strategy's own state feeds only quotes: none of it is in the gateway
    expect(kept.length).toBeLessThan(program.state.length);
    if (file.endsWith("avellaneda.lstep")) expect(kept).not.toContain("sigma2_bp");
    expect(slice.handlers.map((h) => h.event)).toEqual(program.handlers.map((h) => h.event));
  });

  it(`in event_ok, accept, reason and its state after every event of ${STREAMS} streams, back to back, kill pin included`, async () => {
    const program = compileExample(file);
    const gateway = await loadVerilogEngine(program, undefined, "gateway");
    engines.push(gateway);
    const aimed = file.endsWith("avellaneda.lstep") ? [rateBurst(), notionalEdge()] : [];
    const cases = [
      ...fc.sample(withPins(eventStream(program), program), { numRuns: STREAMS, seed: 20261204 }),
      ...aimed.flatMap((a) => fc.sample(withPins(a, program), { numRuns: 200, seed: 20261204 })),
    ];
    expect(cases.filter((c) => c.pins.some((p) => p)).length).toBeGreaterThan(STREAMS / 4);
    expect(firstDisagreement(file, gateway, cases)).toBeUndefined();
  }, 600_000);
});

describe("the kill pin, on the avellaneda gateway", () => {
  it(`refuses orders while high, latches, and is released only by a kill event; verdicts ${latencyCycles("gateway")} cycles after the event`, async () => {
    const file = "examples/avellaneda.lstep";
    const program = compileExample(file);
    const gateway = await loadVerilogEngine(program, undefined, "gateway");
    engines.push(gateway);
    const order = (t: number): StreamStep => ({ kind: 4, t, a: 5_000_000, b: 1, c: 1, d: 0 });
    const stream: StreamStep[] = [
      { kind: 0, t: 1_000, a: 4_999_999, b: 5, c: 5_000_001, d: 5 },
      order(2_000), // accepted
      order(3_000_000), // pin high: refused, kill_switch
      order(6_000_000), // pin low again: still refused (latched)
      { kind: 5, t: 7_000_000, a: 0, b: 0, c: 0, d: 0 }, // kill event a = 0 with the pin high: not released
      { kind: 5, t: 8_000_000, a: 0, b: 0, c: 0, d: 0 }, // released
      order(9_000_000), // accepted
    ];
    const pins = [false, false, true, false, true, false, false];
    const base = program.params.map((p) => p.default);
    const reason = program.outputs.findIndex((o) => o.name === "reason");
    const reference = new Interpreter(program, true);
    reference.reset(loadable(program, base)!);
    const reasons = stream.map((e, k) => (stepWithKillPin(program, reference, pins[k], [e.kind, e.t, e.a, e.b, e.c, e.d]), reference.outputs[reason]));
    expect(reasons).toEqual([0n, 0n, 1n, 1n, 0n, 0n, 0n]);
    expect(firstDisagreement(file, gateway, [{ base, stream, pins }])).toBeUndefined();
    // the same, one round trip per event (each drains the pipeline)
    gateway.reset(loadable(program, base)!);
    const stepped = stream.map((e, k) => (gateway.setKillPin(pins[k]), gateway.step(e.kind, e.t, e.a, e.b, e.c, e.d), gateway.output(1)));
    expect(stepped).toEqual(reasons);
  }, 600_000);
});

describe("the kill pin, on the avellaneda engine (one stage)", () => {
  it("agrees with the same model in every output and state slot on 500 streams", async () => {
    const file = "examples/avellaneda.lstep";
    const program = compileExample(file);
    const engine = await loadVerilogEngine(program);
    engines.push(engine);
    const cases = fc.sample(withPins(eventStream(program), program), { numRuns: 500, seed: 20261205 });
    expect(firstDisagreement(file, engine, cases, "engine")).toBeUndefined();
  }, 600_000);
});
