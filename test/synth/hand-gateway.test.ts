import { readFileSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/pipeline.js";
import type { IrProgram } from "../../compiler/ir.js";
import { baseParams, eventStream } from "../../targets/agreement/streams.js";
import { gatewayRun, type GatewayRun, type Verdict } from "../../bench/hdl/gateway-commands.js";
import { simulateGateway } from "../../bench/hdl/simulate-gateway.js";
import { notionalEdge, rateBurst } from "./aimed-gateway-streams.js";

const EXAMPLE = "examples/avellaneda.lstep";
const STREAMS = 3_000;
const BURSTS = 200;
// every variant bench/hdl/run.ts synthesizes: configurable limits, and FIXED_LIMITS (constants but max_position)
const GATEWAYS = [
  { file: "bench/hdl/hand_gateway.v", top: "hand_gateway", fixed: 0 },
  { file: "bench/hdl/hand_gateway_2stage.v", top: "hand_gateway_2stage", fixed: 0 },
  { file: "bench/hdl/hand_gateway.v", top: "hand_gateway", fixed: 1 },
  { file: "bench/hdl/hand_gateway_2stage.v", top: "hand_gateway_2stage", fixed: 1 },
];
const label = (g: (typeof GATEWAYS)[number]) => `${g.top} (FIXED_LIMITS=${g.fixed})`;

function program(): IrProgram {
  const c = compileSource(EXAMPLE, readFileSync(EXAMPLE, "utf8"));
  if (!c.ir) throw new Error(`${EXAMPLE} does not compile`);
  return c.ir;
}

/**
 * The agreement suite's generic streams, then streams aimed at the rate limiter and at the notional cap
 * with default parameters: the generic streams are too short to spend 100 tokens and rarely land on the cap.
 */
function streams(ir: IrProgram, seed: number) {
  const generic = fc.sample(fc.tuple(baseParams(ir), eventStream(ir)), { numRuns: STREAMS, seed });
  const defaults = ir.params.map((p) => p.default);
  const bursts = [...fc.sample(rateBurst(), { numRuns: BURSTS, seed }), ...fc.sample(notionalEdge(), { numRuns: BURSTS, seed })];
  return [...generic.map(([base, stream]) => ({ base, stream })), ...bursts.map((stream) => ({ base: defaults, stream }))];
}

/** The first beat where the gateway and the reference differ, described; undefined when none does. */
function firstDifference(run: GatewayRun, got: readonly Verdict[]): string | undefined {
  const show = (v: Verdict | undefined) => (v ? `ok=${v.ok} accept=${v.accept} reason=${v.reason}` : "no verdict");
  for (let i = 0; i < Math.max(run.expected.length, got.length); i++) {
    const e = run.expected[i];
    const g = got[i];
    if (!e || !g || e.ok !== g.ok || e.accept !== g.accept || e.reason !== g.reason)
      return `beat ${i} (stream ${run.origin[i]?.stream}, step ${run.origin[i]?.step}): reference ${show(e)}, gateway ${show(g)}`;
  }
  return undefined;
}

describe("the hand-written gateways decide as avellaneda's risk block", () => {
  const ir = program();
  const run = gatewayRun(ir, streams(ir, 20261203));
  let scratch = "";

  beforeAll(() => {
    execFileSync("bash", ["scripts/install-hdl-tools.sh"], { stdio: "inherit" });
    scratch = mkdtempSync(join(tmpdir(), "lockstep-hand-gateway-"));
  }, 300_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("the streams reach every reason code and both validation outcomes", () => {
    const reasons = new Set(run.expected.filter((v) => v.ok).map((v) => v.reason));
    expect([...reasons].sort()).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n]);
    // the streams at the notional cap decide both ways there
    const atCap = run.expected.filter((_v, i) => run.origin[i].stream >= STREAMS + BURSTS);
    expect(atCap.filter((v) => v.accept === 1n).length).toBeGreaterThan(100);
    expect(atCap.filter((v) => v.reason === 4n).length).toBeGreaterThan(100);
    expect(run.expected.some((v) => !v.ok)).toBe(true);
  });

  for (const g of GATEWAYS)
    it(`${label(g)} is lint-clean (verilator -Wall)`, () => {
      const args = ["--lint-only", "-Wall", `-GFIXED_LIMITS=1'b${g.fixed}`, g.file];
      expect(() => execFileSync("verilator", args, { stdio: "pipe" })).not.toThrow();
    });

  for (const g of GATEWAYS)
    it(`${label(g)} gives the reference's verdict on every beat of ${STREAMS} streams and ${2 * BURSTS} aimed ones`, () => {
      const got = simulateGateway([g.file], g.top, run.commands, { FIXED_LIMITS: g.fixed });
      expect(firstDifference(run, got)).toBeUndefined();
      expect(got.length).toBe(run.expected.length);
    });

  // the comparison has teeth: one flipped comparison in the notional check is caught
  it("a gateway whose notional check is >= instead of > disagrees", () => {
    const source = readFileSync(GATEWAYS[0].file, "utf8");
    const mutant = source.replace("notional > notional_cap", "notional >= notional_cap");
    expect(mutant).not.toBe(source);
    const file = join(scratch, "mutant.v");
    writeFileSync(file, mutant);
    expect(firstDifference(run, simulateGateway([file], GATEWAYS[0].top, run.commands))).toMatch(/gateway ok=true accept=0 reason=4$/);
  });
});
