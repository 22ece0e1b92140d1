import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { renderDiagnostic } from "../language/render-diagnostic.js";
import { TARGETS, writeOutputs } from "./compile-command.js";
import { compileFile } from "./read-source.js";

/** How a deployed artifact compares with the one a fresh compile writes. */
export type Comparison =
  | { readonly kind: "same" }
  /** 1-based byte and (for text) line of the first byte that differs, or where the shorter file ends. */
  | { readonly kind: "differs"; readonly byte: number; readonly line?: number }
  | { readonly kind: "missing" }
  | { readonly kind: "unreadable"; readonly code: string };

const TEXT = /\.(ts|js|wat|txt|v|vhd)$/;

export function compareBytes(fresh: Uint8Array, deployed: Uint8Array, text: boolean): Comparison {
  const n = Math.min(fresh.length, deployed.length);
  let i = 0;
  let line = 1;
  while (i < n && fresh[i] === deployed[i]) {
    if (fresh[i] === 0x0a) line++;
    i++;
  }
  if (i === n && fresh.length === deployed.length) return { kind: "same" };
  return text ? { kind: "differs", byte: i + 1, line } : { kind: "differs", byte: i + 1 };
}

function describe(c: Comparison, freshSize: number, deployedSize: number | undefined): string {
  switch (c.kind) {
    case "same":
      return "same";
    case "missing":
      return "missing";
    case "unreadable":
      return `unreadable (${c.code})`;
    case "differs": {
      const where = c.line === undefined ? `byte ${c.byte}` : `byte ${c.byte} / line ${c.line}`;
      const sizes = deployedSize !== undefined && deployedSize !== freshSize ? `; ${deployedSize} bytes, a fresh compile has ${freshSize}` : "";
      return `differs (first difference at ${where}${sizes})`;
    }
    default: {
      const never: never = c;
      throw new Error(`unknown comparison ${JSON.stringify(never)}`);
    }
  }
}

function readDeployed(path: string): Uint8Array | Comparison {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = String((e as NodeJS.ErrnoException).code);
    return code === "ENOENT" ? { kind: "missing" } : { kind: "unreadable", code };
  }
}

/**
 * `lockstep verify FILE DIR`: are the artifacts deployed in DIR exactly what `lockstep compile FILE`
 * writes now? Byte for byte, per file. Behaviour is `lockstep test --artifacts`' business; this answers
 * only "is this the build of this source". Exit 0 when every present artifact matches and the ts or wasm
 * module is among them, otherwise 1.
 */
export async function runVerify(file: string, dir: string): Promise<number> {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    process.stderr.write(`lockstep: ${dir}: no such directory; give the directory \`lockstep compile --out\` wrote\n`);
    return 1;
  }
  if (!isDir) {
    process.stderr.write(`lockstep: ${dir} is not a directory; give the directory \`lockstep compile --out\` wrote\n`);
    return 1;
  }
  const c = compileFile(file);
  if ("error" in c) {
    process.stderr.write(`lockstep: ${c.error}\n`);
    return 1;
  }
  if (!c.ir) {
    for (const d of c.diagnostics.errors()) process.stderr.write(`${renderDiagnostic(c.file, d)}\n\n`);
    process.stderr.write(`lockstep: ${file} does not compile, so there is nothing to compare ${dir} with\n`);
    return 1;
  }
  const scratch = mkdtempSync(join(tmpdir(), "lockstep-verify-"));
  try {
    const names = (await writeOutputs(c.ir, scratch, TARGETS, true)).map((p) => basename(p));
    const results = names.map((name) => {
      const fresh = readFileSync(join(scratch, name));
      const deployed = readDeployed(join(dir, name));
      const cmp = deployed instanceof Uint8Array ? compareBytes(fresh, deployed, TEXT.test(name)) : deployed;
      return { name, cmp, line: describe(cmp, fresh.length, deployed instanceof Uint8Array ? deployed.length : undefined) };
    });
    const width = Math.max(...names.map((n) => n.length));
    process.stdout.write(`${file} against ${dir}:\n`);
    for (const r of results) process.stdout.write(`  ${r.name.padEnd(width)}  ${r.line}\n`);
    const bad = results.filter((r) => r.cmp.kind === "differs" || r.cmp.kind === "unreadable");
    const modules = results.filter((r) => /\.(ts|wasm|v|vhd)$/.test(r.name) && r.cmp.kind !== "missing");
    const redeploy = `run \`lockstep compile ${file} --out ${dir}\` to deploy a fresh build`;
    if (bad.length > 0) {
      process.stderr.write(
        `lockstep: ${bad.map((r) => join(dir, r.name)).join(", ")} ${bad.length === 1 ? "is" : "are"} not what ${file} compiles to; ${redeploy}\n`,
      );
      return 1;
    }
    if (modules.length === 0) {
      const stem = basename(file).replace(/\.lstep$/, "");
      process.stderr.write(`lockstep: ${dir} holds no module of ${stem} (.ts, .wasm, .v or .vhd); ${redeploy}\n`);
      return 1;
    }
    process.stdout.write(`every artifact present in ${dir} is what ${file} compiles to\n`);
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
