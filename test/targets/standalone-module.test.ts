import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeOutputs } from "../../cli/compile-command.js";
import { parameterVector } from "../../compiler/derived-eval.js";
import { paramLayout } from "../../compiler/param-layout.js";
import { compileSource } from "../../compiler/pipeline.js";
import { RECORD_SIZE, tapeToRecords } from "../../runtime/event-tape.js";
import { loadRecording } from "../../runtime/feed/load-recording.js";
import { encodeParamFile } from "../../runtime/param-file-write.js";
import { interpreterEngine } from "../../targets/agreement/engine.js";
import { loadWasm } from "../../targets/wasm/load-wasm.js";
import { paramFileRefusal } from "../../targets/wasm/param-file-codes.js";

const SOURCE = "examples/avellaneda.lstep";
const ir = compileSource(SOURCE, readFileSync(SOURCE, "utf8")).ir!;
const EVENTS = 3000;

/** Steps the events in a child Node process, importing only what `compile` wrote and the parameter file. */
const DRIVER = `
import { readFileSync, writeFileSync } from "node:fs";
import { Engine, loadParams } from "./avellaneda.js";
const records = new Float64Array(readFileSync("events.bin").buffer.slice(0));
const engine = new Engine();
engine.reset(loadParams(new Uint8Array(readFileSync("P.bin"))));
const width = engine.outputs.length;
const out = new Float64Array((records.length / ${RECORD_SIZE}) * width);
for (let at = 0, row = 0; at < records.length; at += ${RECORD_SIZE}, row += width) {
  engine.stepRecord(records, at);
  out.set(engine.outputs, row);
}
writeFileSync("outputs.bin", out);
let refused = "";
try { engine.reload(loadParams(new Uint8Array(readFileSync("P.bin")).subarray(0, 40))); } catch (e) { refused = e.message; }
process.stdout.write(refused);
`;

/** The same with NAME.wasm and nothing else: WebAssembly's own API, the module's exports, no loader. */
const WASM_DRIVER = `
import { readFileSync, writeFileSync } from "node:fs";
const { instance } = await WebAssembly.instantiate(readFileSync("avellaneda.wasm"));
const x = instance.exports;
const file = new Uint8Array(readFileSync("P.bin"));
const load = (bytes) => {
  new Uint8Array(x.memory.buffer, x.param_file_offset.value, bytes.length).set(bytes);
  return x.load_params(bytes.length);
};
const codes = [load(file)];
x.reset_state();
const records = new Float64Array(readFileSync("events.bin").buffer.slice(0));
const width = x.output_count.value;
const outputs = new Float64Array(x.memory.buffer, x.outputs_offset.value, width);
const out = new Float64Array((records.length / ${RECORD_SIZE}) * width);
for (let at = 0, row = 0; at < records.length; at += ${RECORD_SIZE}, row += width) {
  if (at === 1000 * ${RECORD_SIZE}) {
    const bad = file.slice();
    bad[40] ^= 1; // a value: refused by the checksum, and the parameters stay
    codes.push(load(file.subarray(0, 40)), load(bad));
  }
  x.step(...records.subarray(at, at + ${RECORD_SIZE}));
  out.set(outputs, row);
}
writeFileSync("outputs.bin", out);
process.stdout.write(codes.join(","));
`;

describe("a compiled module stands alone", () => {
  it("runs from a folder holding only NAME.js, NAME.d.ts and a parameter file, as the interpreter does", async () => {
    const build = await built;
    const js = readFileSync(join(build, "avellaneda.js"), "utf8");
    expect(js).not.toMatch(/^\s*import\b|require\(/m); // nothing to resolve: the folder is all it needs
    expect(readFileSync(join(build, "avellaneda.d.ts"), "utf8")).toMatch(
      /export declare function loadParams\(bytes: Uint8Array\): Float64Array;/,
    );

    const deploy = deployed(
      build,
      ["avellaneda.js", "avellaneda.d.ts"],
      DRIVER,
    );
    const refused = execFileSync(process.execPath, ["driver.mjs"], {
      cwd: deploy,
      encoding: "utf8",
    });
    expect(refused).toBe(
      "parameter file refused: truncated: 40 bytes, 112 expected for 10 values",
    );
    expectInterpreterOutputs(deploy);
  });

  it("runs NAME.wasm alone: its load_params checks the file, and a refused file keeps the parameters", async () => {
    const deploy = deployed(await built, ["avellaneda.wasm"], WASM_DRIVER);
    const codes = execFileSync(process.execPath, ["driver.mjs"], {
      cwd: deploy,
      encoding: "utf8",
    });
    expect(codes.split(",").map((c) => paramFileRefusal(Number(c)))).toEqual([
      "loaded",
      "the length is not the header and the values this program's layout needs (truncated, or trailing bytes)",
      "the checksum does not match the values",
    ]);
    expectInterpreterOutputs(deploy);
  });
});

describe("WasmEngine's parameter files", () => {
  it("loads a good file through the module's load_params and refuses a bad one with a message", async () => {
    const engine = await loadWasm(readFileSync(join(await built, "avellaneda.wasm")));
    const file = encodeParamFile(paramLayout(ir), params);
    engine.resetFile(file);
    expect(Array.from({ length: params.length }, (_, i) => engine.param(i))).toEqual(params);
    const other = file.slice();
    other[16] ^= 1;
    expect(() => engine.reloadFile(other)).toThrow("parameter file refused: written for another parameter layout");
    expect(() => engine.reloadFile(new Uint8Array(500))).toThrow("parameter file refused: the length is not");
    expect(Array.from({ length: params.length }, (_, i) => engine.param(i))).toEqual(params);
  });
});

const built = (async () => {
  const build = mkdtempSync(join(tmpdir(), "lockstep-build-"));
  await writeOutputs(ir, build, ["ts", "wasm"]);
  return build;
})();

const params = parameterVector(
  ir,
  ir.params.map((p) => (p.name === "gamma" ? p.range.hi : p.default)),
);
const data = loadRecording("examples/data/btcusdt-20240808-excerpt.jsonl.gz", {
  instrument: "BTCUSDT",
  tick: "0.01",
  lot: "0.00001",
});
if ("error" in data) throw new Error(data.error);
const records = tapeToRecords(data.tape).subarray(0, EVENTS * RECORD_SIZE);

/** A fresh folder outside the checkout with the chosen emitted files, a parameter file, the events and a driver. */
function deployed(build: string, files: string[], driver: string): string {
  const deploy = mkdtempSync(join(tmpdir(), "lockstep-deploy-"));
  for (const f of files) copyFileSync(join(build, f), join(deploy, f));
  writeFileSync(
    join(deploy, "P.bin"),
    encodeParamFile(paramLayout(ir), params),
  );
  writeFileSync(join(deploy, "events.bin"), records);
  writeFileSync(join(deploy, "driver.mjs"), driver);
  return deploy;
}

/** The driver's outputs after each event equal the interpreter's with the same parameters. */
function expectInterpreterOutputs(deploy: string): void {
  const got = new Float64Array(
    readFileSync(join(deploy, "outputs.bin")).buffer.slice(0),
  );
  const ref = interpreterEngine(ir);
  ref.reset(params);
  const width = ir.outputs.length;
  let quotes = 0;
  for (let i = 0; i < EVENTS; i++) {
    const at = i * RECORD_SIZE;
    ref.step(
      records[at],
      records[at + 1],
      records[at + 2],
      records[at + 3],
      records[at + 4],
      records[at + 5],
    );
    const row = Array.from(got.subarray(i * width, (i + 1) * width), BigInt);
    expect(row).toEqual(ir.outputs.map((_, o) => ref.output(o)));
    if (row[0] === 1n) quotes++;
  }
  expect(quotes).toBeGreaterThan(1000);
}
