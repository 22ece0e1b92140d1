import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { diagnosticToJson, renderDiagnostic } from "../language/render-diagnostic.js";
import { HDL_TOPS } from "../targets/hdl/hdl-top.js";
import type { IrProgram } from "../compiler/ir.js";
import { bundledAccuracyReport } from "./accuracy-command.js";
import { compileFile } from "./read-source.js";

/** What `--target` names: one target, `hdl` (Verilog and VHDL) or `all`. */
export const TARGETS = ["ts", "wasm", "verilog", "vhdl"] as const;
type Target = (typeof TARGETS)[number];
const GROUPS: Record<string, readonly Target[]> = { all: TARGETS, hdl: ["verilog", "vhdl"] };
/** The software targets `lockstep test --artifacts` and `lockstep verify` read. */
const SOFTWARE: readonly Target[] = ["ts", "wasm"];

/** Compiles and writes the outputs; returns the exit code. */
export async function runCompile(file: string, target: string, out: string, format: "text" | "json"): Promise<number> {
  const chosen = GROUPS[target] ?? (TARGETS.includes(target as Target) ? [target as Target] : undefined);
  if (!chosen) {
    process.stderr.write(`lockstep: unknown target '${target}'; available: ${TARGETS.join(", ")}, hdl, all\n`);
    return 1;
  }
  const c = compileFile(file);
  if ("error" in c) {
    process.stderr.write(`${c.error}\n`);
    return 1;
  }
  if (!c.ir) {
    if (format === "json")
      process.stdout.write(
        `${JSON.stringify(
          c.diagnostics.items.map((d) => diagnosticToJson(c.file, d)),
          null,
          2,
        )}\n`,
      );
    else for (const d of c.diagnostics.errors()) process.stderr.write(`${renderDiagnostic(c.file, d)}\n\n`);
    return 1;
  }
  // --format json: stdout is one JSON array of diagnostics (warnings here), whatever happens; the paths go to stderr
  if (format === "json") process.stdout.write(`${JSON.stringify(c.diagnostics.warnings().map((d) => diagnosticToJson(c.file, d)), null, 2)}\n`);
  else for (const d of c.diagnostics.warnings()) process.stderr.write(`${renderDiagnostic(c.file, d)}\n\n`);
  let written: string[];
  try {
    written = await writeOutputs(c.ir, out, chosen, true);
  } catch (e) {
    const { code, path } = e as NodeJS.ErrnoException;
    if (!code) throw e;
    const what = path && code === "EISDIR" ? `${path} is a directory; ` : "";
    process.stderr.write(`lockstep: cannot write to ${out} (${code}): ${what}nothing was written; choose another --out directory\n`);
    return 1;
  }
  for (const path of written) (format === "json" ? process.stderr : process.stdout).write(`wrote ${path}\n`);
  return 0;
}

/**
 * Writes each target's files and the numeric report; the Verilog and VHDL files are named after their top.
 * Everything is emitted first, then written as temporary files and renamed into place, so a failure (an
 * emitter error, a full disk, a name taken by a directory) leaves the directory as it was.
 */
export async function writeOutputs(
  ir: IrProgram,
  out: string,
  targets: readonly string[] = SOFTWARE,
  withAccuracy = false,
): Promise<string[]> {
  const files = await emitOutputs(ir, targets, withAccuracy);
  mkdirSync(out, { recursive: true });
  const staged: { temp: string; path: string }[] = [];
  try {
    for (const f of files) {
      const path = join(out, f.name);
      const temp = join(out, `.${f.name}.${process.pid}.tmp`);
      staged.push({ temp, path });
      writeFileSync(temp, f.data);
    }
    for (const { path } of staged) if (existsSync(path) && statSync(path).isDirectory()) throw dirInTheWay(path);
    for (const { temp, path } of staged) renameSync(temp, path);
  } finally {
    for (const { temp } of staged) rmSync(temp, { force: true });
  }
  return staged.map((s) => s.path);
}

function dirInTheWay(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${path} is a directory`), { code: "EISDIR", path });
}

/**
 * Every output file's name and contents, in memory. Each emitter is imported when its target is chosen:
 * ts-morph and prettier, binaryen and the HDL printers take most of a cold start.
 */
async function emitOutputs(ir: IrProgram, targets: readonly string[], withAccuracy: boolean): Promise<{ name: string; data: string | Uint8Array }[]> {
  const stem = basename(ir.sourcePath).replace(/\.lstep$/, "");
  const files: { name: string; data: string | Uint8Array }[] = [];
  if (targets.includes("ts")) {
    const { emitTypeScript } = await import("../targets/ts/emit-ts.js");
    const { transpileModule } = await import("../targets/ts/transpile-js.js");
    const source = await emitTypeScript(ir);
    const { js, dts } = transpileModule(source, stem);
    files.push({ name: `${stem}.ts`, data: source }, { name: `${stem}.js`, data: js }, { name: `${stem}.d.ts`, data: dts });
  }
  if (targets.includes("wasm")) {
    const { emitWasm } = await import("../targets/wasm/emit-wasm.js");
    const { wasm, wat } = await emitWasm(ir);
    files.push({ name: `${stem}.wasm`, data: wasm }, { name: `${stem}.wat`, data: wat });
  }
  const verilog = targets.includes("verilog") ? await import("../targets/verilog/emit-verilog.js") : undefined;
  const vhdl = targets.includes("vhdl") ? await import("../targets/vhdl/emit-vhdl.js") : undefined;
  for (const top of HDL_TOPS) {
    if (verilog) {
      const v = verilog.emitVerilog(ir, top);
      files.push({ name: `${v.module}.v`, data: v.text });
    }
    if (vhdl) {
      const v = vhdl.emitVhdl(ir, top);
      files.push({ name: `${v.entity}.vhd`, data: v.text });
    }
  }
  const accuracy = withAccuracy ? `\n## accuracy against the float semantics (lockstep accuracy)\n${bundledAccuracyReport(ir)}` : "";
  files.push({ name: `${stem}.numerics.txt`, data: numericsReport(ir) + accuracy });
  return files;
}

/** What the compiler decided about numbers: formats, derived parameters, tables and their errors. */
export function numericsReport(ir: IrProgram): string {
  const lines = [`# ${ir.name}: numeric report`, "", "## parameters (raw = value * 2^frac)"];
  for (const p of ir.params)
    lines.push(`${p.name}: frac ${p.frac}, raw [${p.range.lo}, ${p.range.hi}], default ${p.default}  (${p.loc})`);
  lines.push("", "## derived parameters (computed once per parameter load, exactly, rounded half-even)");
  for (const d of ir.derived)
    lines.push(`${d.name} = ${d.text}: frac ${d.frac}, raw [${d.range.lo}, ${d.range.hi}]  (${d.loc})`);
  lines.push("", "## state");
  for (const s of ir.state) lines.push(`${s.name}: frac ${s.frac}, raw [${s.range.lo}, ${s.range.hi}], init ${s.init}`);
  lines.push("", "## quantization and tables");
  for (const n of ir.notes) lines.push(`${n.loc}: ${n.message}`);
  return `${lines.join("\n")}\n`;
}
