import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parameterVector } from "../../compiler/derived-eval.js";
import { paramLayout } from "../../compiler/param-layout.js";
import { compileSource } from "../../compiler/pipeline.js";
import { EventKind } from "../../runtime/event-tape.js";
import { applyParams } from "../../runtime/hot-reload.js";
import { PARAM_FILE_HEADER, paramChecksum, readParamFile } from "../../runtime/param-file.js";
import { encodeParamFile } from "../../runtime/param-file-write.js";
import { interpreterEngine, type TargetEngine } from "../../targets/agreement/engine.js";

const compile = (path: string) => compileSource(path, readFileSync(path, "utf8")).ir!;
const ir = compile("examples/avellaneda.lstep");
const layout = paramLayout(ir);
const defaults = parameterVector(ir, ir.params.map((p) => p.default));
const gamma = ir.params.findIndex((p) => p.name === "gamma");
// a larger risk aversion widens the quotes: the reload shows in the next event's outputs
const wider = parameterVector(ir, ir.params.map((p, i) => (i === gamma ? p.range.hi : p.default)));
const good = encodeParamFile(layout, wider);

const book = (t: number, bid: number) => [EventKind.book, t, bid, 100, bid + 1, 100] as const;
const EVENTS = [book(1e9, 6_183_763), book(2e9, 6_183_770), book(3e9, 6_183_760)];
const outputs = (e: TargetEngine) => ir.outputs.map((_, i) => e.output(i));

/** Outputs after each event, with `between(engine)` called after the first event. */
function run(between: (e: TargetEngine) => void): bigint[][] {
  const e = interpreterEngine(ir);
  e.reset(defaults);
  return EVENTS.map((ev, i) => {
    if (i === 1) between(e);
    e.step(...ev);
    return outputs(e);
  });
}

/** The file with its checksum made right again after an edit, so only the edit is refused. */
function resealed(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(28, paramChecksum(out, PARAM_FILE_HEADER, out.length), true);
  return out;
}

describe("parameter files and hot reload", () => {
  it("round-trips the vector parameterVector lays out", () => {
    expect(readParamFile(good, layout)).toEqual({ values: wider });
  });

  it("applies a good file between two events: the next event sees the new parameters, state kept", () => {
    const reloaded = run((e) => expect(applyParams(e, good, layout)).toEqual({ applied: true }));
    const direct = run((e) => e.reload(wider));
    const untouched = run(() => {});
    expect(reloaded).toEqual(direct);
    expect(reloaded[0]).toEqual(untouched[0]);
    expect(reloaded[1]).not.toEqual(untouched[1]);
  });

  const other = compile("examples/grid.lstep");
  const otherFile = encodeParamFile(paramLayout(other), parameterVector(other, other.params.map((p) => p.default)));
  const outOfRange = good.slice();
  new DataView(outOfRange.buffer).setBigInt64(PARAM_FILE_HEADER + 8 * gamma, ir.params[gamma].range.hi + 1n, true);
  const version = good.slice();
  version[8] = 2;
  const flipped = good.slice();
  flipped[PARAM_FILE_HEADER + 3] ^= 4;
  const longer = new Uint8Array(good.length + 8);
  longer.set(good);
  const BAD: [string, Uint8Array, string][] = [
    ["wrong magic", resealed(Uint8Array.from(good, (b, i) => (i === 0 ? 0x58 : b))), 'not a Lockstep parameter file (no "LSTEPPAR" magic); write one with lockstep params'],
    ["another program's layout", otherFile, `written for another parameter layout (hash ${paramLayout(other).hash}; this program's is ${layout.hash}): run lockstep params with this program`],
    ["a value out of its range", resealed(outOfRange), `gamma = ${ir.params[gamma].range.hi + 1n} (raw) is outside its range [${ir.params[gamma].range.lo}, ${ir.params[gamma].range.hi}]`],
    ["truncated in the header", good.subarray(0, 20), "truncated: 20 bytes, shorter than the 32-byte header"],
    ["truncated in the values", good.subarray(0, good.length - 1), `truncated: ${good.length - 1} bytes, ${good.length} expected for ${layout.slots.length} values`],
    ["trailing bytes", resealed(longer), `8 bytes after the ${layout.slots.length} values: the file is corrupt`],
    ["another version", version, "version 2; this engine reads version 1"],
    ["a flipped bit in a value", flipped, "the checksum does not match the values: the file is corrupt"],
    ["empty", new Uint8Array(0), "truncated: 0 bytes, shorter than the 32-byte header"],
  ];

  it.each(BAD)("refuses %s and keeps the old values", (_, file, message) => {
    let refusal: unknown;
    const kept = run((e) => (refusal = applyParams(e, file, layout)));
    expect(refusal).toEqual({ error: message });
    expect(kept).toEqual(run(() => {}));
  });
});
