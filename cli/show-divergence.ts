import { METAVALUE } from "../targets/hdl/sim-protocol.js";
import type { IrProgram } from "../compiler/ir.js";
import { interpreterEngine, type TargetEngine } from "../targets/agreement/engine.js";
import { describeStep, loadable, type Divergence } from "../targets/agreement/run-agreement.js";
import { isParamStep, RESET, type StreamStep } from "../targets/agreement/streams.js";

/** The steps before a divergence and the differing values, side by side, from a fresh run of the reference. */
export function showDivergence(ir: IrProgram, stream: readonly StreamStep[], d: Divergence, others: readonly TargetEngine[] = []): string {
  const lines = [d.step < 0 ? "before the first step (right after the initial reset)" : "steps:"];
  for (let i = Math.max(0, d.step - 4); i <= d.step; i++) lines.push(`  ${i === d.step ? ">" : " "} ${String(i).padStart(3)}  ${describeStep(stream[i])}`);
  const actual = d.actual === METAVALUE ? "X (a metavalue: a register the reset does not set, or a signal nothing drives)" : String(d.actual);
  lines.push(`first difference: ${d.what}: reference ${String(d.expected)}, ${d.target} ${actual}`);
  if (others.length) lines.push(sideBySide(ir, stream, d.step, others));
  return `${lines.join("\n")}\n`;
}

/** Re-runs the stream up to `step` in every engine and tabulates each slot whose values differ. */
export function sideBySide(ir: IrProgram, stream: readonly StreamStep[], step: number, engines: readonly TargetEngine[], base?: readonly bigint[]): string {
  const all = [interpreterEngine(ir), ...engines];
  const params = loadable(ir, base ?? ir.params.map((p) => p.default))!;
  for (const e of all) e.reset(params);
  const accepted: boolean[] = [];
  for (let i = 0; i <= step; i++) {
    const s = stream[i];
    if (isParamStep(s)) {
      const next = loadable(ir, s.params!);
      if (next) for (const e of all) s.kind === RESET ? e.reset(next) : e.reload(next);
      continue;
    }
    all.forEach((e, j) => (accepted[j] = e.step(s.kind, s.t, s.a, s.b, s.c, s.d)));
  }
  const rows: string[][] = [["", ...all.map((e) => e.name)]];
  rows.push(["accepted", ...accepted.map(String)]);
  const slots: [string, (e: TargetEngine) => bigint][] = [
    ...ir.state.map((s, i) => [`state ${s.name}`, (e: TargetEngine) => e.state(i)] as [string, (e: TargetEngine) => bigint]),
    ...ir.outputs.map((o, i) => [`output ${o.name}`, (e: TargetEngine) => e.output(i)] as [string, (e: TargetEngine) => bigint]),
  ];
  for (const [name, read] of slots) {
    const values = all.map(read);
    if (values.some((v) => v !== values[0])) rows.push([`${name}  <-- differs`, ...values.map(String)]);
    else rows.push([name, ...values.map(String)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => "  " + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")).join("\n");
}
