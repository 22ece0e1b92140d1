import { diagnosticToJson, renderDiagnostic } from "../language/render-diagnostic.js";
import { compileFile } from "./read-source.js";

export function runCheck(files: string[], format: "text" | "json"): number {
  let failed = false;
  const json: unknown[] = [];
  for (const path of files) {
    const c = compileFile(path);
    if ("error" in c) {
      failed = true;
      if (format === "json") json.push({ file: path, severity: "error", code: "IO001", message: c.error });
      else process.stderr.write(`${c.error}\n`);
      continue;
    }
    const errors = c.diagnostics.errors();
    if (errors.length) failed = true;
    if (format === "json")
      json.push(...c.diagnostics.items.filter((d) => d.severity !== "note").map((d) => diagnosticToJson(c.file, d)));
    else for (const d of [...errors, ...c.diagnostics.warnings()]) process.stderr.write(`${renderDiagnostic(c.file, d)}\n\n`);
    const warned = c.diagnostics.warnings().length;
    if (format === "text" && !errors.length) process.stdout.write(`${path}: ok${warned ? ` (${warned} warning${warned > 1 ? "s" : ""})` : ""}\n`);
  }
  if (format === "json") process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  return failed ? 1 : 0;
}
