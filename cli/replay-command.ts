import { readReplay } from "../targets/agreement/replay-file.js";
import { RELOAD } from "../targets/agreement/streams.js";
import { baseProblem } from "../compiler/derived-eval.js";
import { loadTarget } from "../targets/agreement/load-targets.js";
import { interpreterEngine, type TargetEngine } from "../targets/agreement/engine.js";
import { runStream } from "../targets/agreement/run-agreement.js";
import { MAX_ARTIFACT_BYTES, readBoundedFile } from "../runtime/bounded-file.js";
import { topProgram } from "../targets/hdl/hdl-top.js";
import { SimEngine } from "../targets/hdl/sim-engine.js";
import { compileFile } from "./read-source.js";
import { showDivergence, sideBySide } from "./show-divergence.js";

/** `lockstep replay FILE`: re-runs a saved failing stream and shows the first divergent step side by side. */
export async function runReplay(path: string): Promise<number> {
  // the same refusals as for sources (devices, pipes, directories, oversized files) before parsing it
  const readable = readBoundedFile(path, MAX_ARTIFACT_BYTES);
  if ("error" in readable) {
    process.stderr.write(`lockstep: ${readable.error}
`);
    return 1;
  }
  const r = readReplay(path);
  if ("error" in r) {
    process.stderr.write(`lockstep: ${r.error}\n`);
    return 1;
  }
  const c = compileFile(r.source);
  if ("error" in c || !c.ir) {
    process.stderr.write(`lockstep: ${"error" in c ? c.error : `${r.source} no longer compiles`}\n`);
    return 1;
  }
  const paramSets = [r.params, ...r.stream.filter((s) => s.kind === RELOAD).map((s) => s.params!)];
  const problem = paramSets.map((p) => baseProblem(c.ir!, p)).find((x) => x !== undefined);
  if (problem) {
    process.stderr.write(`lockstep: ${path} does not fit ${r.source} as it is now: ${problem}\n`);
    return 1;
  }
  const engines: TargetEngine[] = [];
  // a gateway's circuit is compared with the reference on the gateway's slice of the program
  const ir = topProgram(c.ir, r.top ?? "engine");
  try {
    for (const t of r.targets) {
      const e = await loadTarget(c.ir, t, r.origin, r.top);
      if ("error" in e) {
        process.stderr.write(`lockstep: ${e.error}\n`);
        return 1;
      }
      engines.push(e);
    }
    // a simulated circuit gets each run in one exchange (for GHDL, one simulator run)
    const prepare = (upTo: number) => {
      for (const e of engines) if (e instanceof SimEngine) e.prepare(r.params, r.stream.slice(0, upTo));
    };
    prepare(r.stream.length);
    const d = runStream(ir, r.params, r.stream, interpreterEngine(ir), engines);
    if (!d) {
      process.stdout.write(`${path}: all targets now agree with the reference on this stream (${r.stream.length} steps)\n`);
      return 0;
    }
    process.stdout.write(showDivergence(ir, r.stream, d));
    prepare(d.step + 1);
    process.stdout.write(`${sideBySide(ir, r.stream, d.step, engines, r.params)}\n`);
    for (const w of r.waveforms ?? []) process.stdout.write(`waveforms of the stream through ${d.target}: ${w}\n`);
    return 1;
  } finally {
    for (const e of engines) if (e instanceof SimEngine) e.close();
  }
}
