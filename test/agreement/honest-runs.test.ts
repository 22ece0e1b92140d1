import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeOutputs } from "../../cli/compile-command.js";
import { runReplay } from "../../cli/replay-command.js";
import { runTest } from "../../cli/test-command.js";
import { compileSource } from "../../compiler/pipeline.js";
import { interpreterEngine, type TargetEngine } from "../../targets/agreement/engine.js";
import { readReplay } from "../../targets/agreement/replay-file.js";
import { runStream } from "../../targets/agreement/run-agreement.js";
import { RESET } from "../../targets/agreement/streams.js";
import { assemble } from "./assemble-wat.js";

const SOURCE = "examples/grid.lstep";


/** Artifacts of grid.lstep with one edit to the emitted TypeScript or WebAssembly text. */
async function edited(target: "ts" | "wat", edit: (text: string) => string): Promise<string> {
  const ir = compileSource(SOURCE, readFileSync(SOURCE, "utf8")).ir!;
  const dir = mkdtempSync(join(tmpdir(), "lockstep-honest-"));
  await writeOutputs(ir, dir);
  const text = readFileSync(join(dir, `grid.${target}`), "utf8");
  const changed = edit(text);
  expect(changed, "the edit applies").not.toBe(text);
  if (target === "ts") writeFileSync(join(dir, "grid.ts"), changed);
  else writeFileSync(join(dir, "grid.wasm"), await assemble(changed));
  return dir;
}

const silently = async <T>(f: () => Promise<T>): Promise<T> => {
  const write = process.stdout.write;
  process.stdout.write = () => true;
  try {
    return await f();
  } finally {
    process.stdout.write = write;
  }
};

describe("honest runs", () => {
  it("a reset that leaks state is a disagreement, with a replay file that reproduces it on fresh engines", async () => {
    // reset forgets the position: a stream after one that traded starts with the old position
    const dir = await edited("ts", (s) => s.replace(/\n\s*s\[0\] = 0; \/\/ position/, ""));
    const outcome = await runTest(SOURCE, { runs: 400, seed: 7, targets: ["ts"], artifacts: dir, failures: dir, quiet: true });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.divergence?.target).toBe("ts");
    expect(outcome.streams).toBeLessThan(400);
    const replay = readReplay(outcome.replayPath!);
    if ("error" in replay) throw new Error(replay.error);
    // the batch entry point runs the stream again on the same instance after a reset: the leak shows
    // within one stream, and the replay reproduces it on fresh engines
    expect(replay.stream.length).toBeGreaterThan(0);
    expect(await silently(() => runReplay(outcome.replayPath!))).toBe(1);
  }, 300_000);

  it("runStream compares every slot right after the reset", () => {
    const ir = compileSource(SOURCE, readFileSync(SOURCE, "utf8")).ir!;
    const leaky = interpreterEngine(ir);
    const forgetful: TargetEngine = { ...leaky, reset: (p) => leaky.reload(p) };
    const fill = { kind: 2, t: 5, a: 100, b: 7, c: 1, d: 0 };
    const defaults = ir.params.map((p) => p.default);
    expect(runStream(ir, defaults, [fill], interpreterEngine(ir), [forgetful])).toBeUndefined();
    const d = runStream(ir, defaults, [{ ...fill, t: 6 }], interpreterEngine(ir), [forgetful]);
    expect(d?.step).toBe(-1);
    expect(d?.what).toContain("right after the initial reset");
    // a reset inside a stream (how a replay carries an earlier stream) is checked the same way
    const fresh = interpreterEngine(ir);
    const chained = runStream(ir, defaults, [fill, { kind: RESET, t: 0, a: 0, b: 0, c: 0, d: 0, params: defaults }, { ...fill, t: 1 }], interpreterEngine(ir), [{ ...fresh, reset: (p) => fresh.reload(p) }]);
    expect(chained?.step).toBe(1);
    expect(chained?.what).toContain("right after the reset");
  });

  it("the WebAssembly step_batch is compared with step: a batch that drops an output is caught", async () => {
    const dir = await edited("wat", (s) => {
      const at = s.indexOf("(func $step_batch (param");
      const end = s.indexOf("(func $reset_state", at);
      // the output row's size, event index times it (not the event row's 48 bytes): one output short, so each
      // event's last output is lost under the next event's first
      const body = s.slice(at, end).replace(/(\(i32\.mul\s*\(local\.get \$\d+\)\s*\(i32\.const )(\d+)\)/g, (m, head, n) => (n !== "48" ? `${head}${Number(n) - 8})` : m));
      return s.slice(0, at) + body + s.slice(end);
    });
    const outcome = await runTest(SOURCE, { runs: 200, seed: 3, targets: ["wasm"], artifacts: dir, failures: dir, quiet: true });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.divergence?.target).toBe("wasm");
    expect(outcome.divergence?.what).toContain("step_batch");
  }, 300_000);
});
