import { ts } from "ts-morph";

/**
 * Plain JavaScript and its declarations from an emitted module, for hosts that cannot import
 * TypeScript (Node 20 without a loader): TypeScript's own transpiler (the copy ts-morph ships, a runtime
 * dependency), one file at a time, no type-check. The emitted module annotates what it exports, so
 * declarations need no inference across files.
 */
export function transpileModule(source: string, name: string): { js: string; dts: string } {
  const options = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, declaration: true };
  const js = ts.transpileModule(source, { compilerOptions: options, fileName: `${name}.ts` });
  const dts = ts.transpileDeclaration(source, { compilerOptions: options, fileName: `${name}.ts`, reportDiagnostics: true });
  const problem = [...(js.diagnostics ?? []), ...(dts.diagnostics ?? [])][0];
  if (problem) throw new Error(`transpiling ${name}.ts: ${ts.flattenDiagnosticMessageText(problem.messageText, " ")}`);
  return { js: js.outputText, dts: dts.outputText };
}
