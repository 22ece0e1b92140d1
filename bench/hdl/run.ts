import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatSynthTable, type SynthRow } from "../../targets/synth/synth-table.js";
import type { Ice40Options } from "../../targets/synth/ice40.js";
import { ICE40_DEFAULTS, synthesize } from "../../targets/synth/synthesize.js";

/**
 * Synthesis of the hand-written gateways (and, given --generated, a generated gateway) for iCE40 HX8K
 * and UltraScale+: LUTs, flip-flops, Fmax, logic levels, verdict latency. Scripts, logs and netlists of
 * each row stay under --out.
 *
 *   npm run bench:hdl -- [--only NAME|TOP,...] [--out DIR] [--seed N] [--freq MHZ]
 *                        [--generated FILE.v --generated-top TOP --generated-latency N --generated-clock clk]
 */
interface Candidate {
  readonly name: string;
  readonly files: readonly string[];
  readonly top: string;
  readonly parameters?: Record<string, number>;
  readonly latencyCycles?: number;
  readonly clock?: string;
}

const HAND: readonly Candidate[] = [
  { name: "hand 1-stage", files: ["bench/hdl/hand_gateway.v"], top: "hand_gateway", latencyCycles: 1 },
  { name: "hand 2-stage", files: ["bench/hdl/hand_gateway_2stage.v"], top: "hand_gateway_2stage", latencyCycles: 2 },
  // only max_position in a register, the other limits constants, as in avellaneda.lstep
  { name: "hand 1-stage fixed-limits", files: ["bench/hdl/hand_gateway.v"], top: "hand_gateway", parameters: { FIXED_LIMITS: 1 }, latencyCycles: 1 },
  { name: "hand 2-stage fixed-limits", files: ["bench/hdl/hand_gateway_2stage.v"], top: "hand_gateway_2stage", parameters: { FIXED_LIMITS: 1 }, latencyCycles: 2 },
];

function candidates(): { list: Candidate[]; out: string; ice40: Ice40Options } {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      generated: { type: "string" },
      "generated-top": { type: "string" },
      "generated-latency": { type: "string" },
      "generated-clock": { type: "string", default: "clk" },
      out: { type: "string", default: "build/bench-hdl" },
      // nextpnr's result moves with its placement seed: compare designs on the same seeds
      seed: { type: "string", default: String(ICE40_DEFAULTS.seed) },
      freq: { type: "string", default: String(ICE40_DEFAULTS.targetMHz) },
    },
  });
  const ice40 = { ...ICE40_DEFAULTS, seed: Number(values.seed), targetMHz: Number(values.freq) };
  const list: Candidate[] = [...HAND];
  if (values.generated) {
    if (!values["generated-top"]) throw new Error("--generated needs --generated-top (e.g. AvellanedaStoikov_gateway)");
    const latency = values["generated-latency"] === undefined ? undefined : Number(values["generated-latency"]);
    list.push({
      name: "generated",
      files: [values.generated],
      top: values["generated-top"],
      latencyCycles: latency,
      clock: values["generated-clock"],
    });
  }
  const only = values.only?.split(",").map((s) => s.trim());
  return { list: only ? list.filter((c) => only.includes(c.name) || only.includes(c.top)) : list, out: values.out!, ice40 };
}

function main(): void {
  const { list, out, ice40 } = candidates();
  if (!list.length) {
    console.error(`no design matches --only; the designs: ${[...HAND.map((c) => c.name), "generated"].join(" | ")}`);
    process.exit(1);
  }
  const rows: SynthRow[] = [];
  for (const c of list) {
    const workDir = join(out, c.name.replace(/[^A-Za-z0-9]+/g, "-"));
    const started = Date.now();
    process.stderr.write(`synthesizing ${c.name} (${c.top}) ...`);
    const report = synthesize(c.files, c.top, { parameters: c.parameters, workDir, clock: c.clock, ice40 });
    process.stderr.write(` ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    for (const l of report.design.latches) process.stderr.write(`  latch: ${l}\n`);
    for (const p of report.design.checkProblems) process.stderr.write(`  check: ${p}\n`);
    rows.push({ name: c.name, report, latencyCycles: c.latencyCycles });
  }
  mkdirSync(out, { recursive: true });
  const table = formatSynthTable(rows);
  writeFileSync(join(out, "table.md"), table + "\n");
  writeFileSync(join(out, "report.json"), JSON.stringify(rows, null, 2) + "\n");
  const { package: pkg, targetMHz, seed } = ice40;
  console.log(table);
  console.log(
    `\niCE40: yosys synth_ice40 (cells of the top alone); nextpnr-ice40 --hx8k --package ${pkg} --freq ${targetMHz} --seed ${seed}` +
      ` on the top inside targets/synth/io-shim.ts (LCs include the shim). xcup: yosys synth_xilinx -family xcup -flatten;` +
      ` levels = longest flip-flop-to-flip-flop path in LUT/MUXF/CARRY4/DSP cells. Logs and scripts: ${out}/`,
  );
}

main();
