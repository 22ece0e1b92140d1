import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { diagnosticToJson, renderDiagnostic } from "../../language/render-diagnostic.js";
import { HDL_TOPS } from "../../targets/hdl/hdl-top.js";
import { emitTypeScript } from "../../targets/ts/emit-ts.js";
import { emitVerilog } from "../../targets/verilog/emit-verilog.js";
import { emitVhdl } from "../../targets/vhdl/emit-vhdl.js";
import { emitWasm } from "../../targets/wasm/emit-wasm.js";
import type { IrProgram } from "../ir.js";
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
  let written: string[];
  try {
    written = await writeOutputs(c.ir, out, chosen);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!code) throw e;
    process.stderr.write(`lockstep: cannot write to ${out} (${code}): choose another --out directory\n`);
    return 1;
  }
  for (const path of written) process.stdout.write(`wrote ${path}\n`);
  return 0;
}

/** Writes each target's files and the numeric report; the Verilog and VHDL files are named after their top. */
export async function writeOutputs(ir: IrProgram, out: string, targets: readonly string[] = SOFTWARE): Promise<string[]> {
  mkdirSync(out, { recursive: true });
  const stem = basename(ir.sourcePath).replace(/\.lstep$/, "");
  const written: string[] = [];
  const write = (name: string, data: string | Uint8Array) => {
    const path = join(out, name);
    writeFileSync(path, data);
    written.push(path);
  };
  if (targets.includes("ts")) write(`${stem}.ts`, await emitTypeScript(ir));
  if (targets.includes("wasm")) {
    const { wasm, wat } = await emitWasm(ir);
    write(`${stem}.wasm`, wasm);
    write(`${stem}.wat`, wat);
  }
  for (const top of HDL_TOPS) {
    if (targets.includes("verilog")) {
      const v = emitVerilog(ir, top);
      write(`${v.module}.v`, v.text);
    }
    if (targets.includes("vhdl")) {
      const v = emitVhdl(ir, top);
      write(`${v.entity}.vhd`, v.text);
    }
  }
  write(`${stem}.numerics.txt`, numericsReport(ir));
  return written;
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
