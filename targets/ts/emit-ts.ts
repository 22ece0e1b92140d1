import { readFileSync } from "node:fs";
import { join } from "node:path";
import { format } from "prettier";
import { Project, Scope, StructureKind, VariableDeclarationKind, type MethodDeclarationStructure } from "ts-morph";
import type { Handler, IrProgram } from "../../compiler/ir.js";
import { packageRoot } from "../../compiler/package-root.js";
import { EVENT_KIND_NAMES } from "../../runtime/event-tape.js";
import { TsOpLowering } from "./lower-op.js";
import { moduleHeader, paramLoaderSource } from "./standalone.js";

/**
 * The TypeScript target: one self-contained module per program. State, parameters and outputs live in
 * preallocated Float64Arrays holding exact integers (raw fixed-point values, all below 2^53); a
 * handler is straight-line code over `const` locals, so stepping an event allocates nothing.
 */
export async function emitTypeScript(program: IrProgram): Promise<string> {
  const helpers = new Set<string>();
  const methods = program.handlers.map((h) => handlerMethod(program, h, helpers));
  const project = new Project({ useInMemoryFileSystem: true });
  const file = project.createSourceFile("engine.ts", "", { overwrite: true });
  file.addStatements(moduleHeader(program));
  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: "meta", initializer: `${metaLiteral(program)} as const` }],
  });
  program.luts.forEach((lut, i) =>
    file.addVariableStatement({
      leadingTrivia: `// ${lut.description}, values at ${lut.frac} fraction bits\n`,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [{ name: `LUT_${i}`, initializer: `new Float64Array([${lut.values.join(", ")}])` }],
    }),
  );
  file.addClass({
    name: "Engine",
    isExported: true,
    properties: [
      {
        name: "params",
        type: "Float64Array",
        isReadonly: true,
        initializer: `new Float64Array(${program.params.length + program.derived.length})`,
      },
      { name: "state", type: "Float64Array", isReadonly: true, initializer: `new Float64Array(${program.state.length})` },
      { name: "outputs", type: "Float64Array", isReadonly: true, initializer: `new Float64Array(${program.outputs.length})` },
      { name: "scratch", scope: Scope.Private, isReadonly: true, initializer: "new Float64Array(6)" },
    ],
    ctors: [{ statements: ["this.resetState();"] }],
    methods: [
      {
        name: "reset",
        docs: ["Loads the full parameter vector (base, then derived) and restores the initial state."],
        parameters: [{ name: "params", type: "ArrayLike<number>" }],
        returnType: "void",
        statements: ["this.reload(params);", "this.resetState();"],
      },
      {
        name: "reload",
        docs: ["Swaps parameters, keeping state: a hot reload."],
        parameters: [{ name: "params", type: "ArrayLike<number>" }],
        returnType: "void",
        statements: [`for (let i = 0; i < this.params.length; i++) this.params[i] = params[i];`],
      },
      {
        name: "resetState",
        scope: Scope.Private,
        statements: [
          "const s = this.state;",
          ...program.state.map((st, i) => `s[${i}] = ${st.init}; // ${st.name}`),
          "this.outputs.fill(0);",
        ],
      },
      {
        name: "step",
        docs: ["Applies one event; returns false, changing nothing and clearing the outputs, when its fields are invalid."],
        parameters: ["kind", "t", "a", "b", "c", "d"].map((name) => ({ name, type: "number" })),
        returnType: "boolean",
        statements: [
          "const r = this.scratch;",
          "r[0] = kind; r[1] = t; r[2] = a; r[3] = b; r[4] = c; r[5] = d;",
          "return this.stepRecord(r, 0);",
        ],
      },
      {
        name: "stepRecord",
        docs: ["Applies the event stored at `at` in `events` as [kind, t, a, b, c, d]: the allocation-free path."],
        parameters: [
          { name: "events", type: "Float64Array" },
          { name: "at", type: "number" },
        ],
        returnType: "boolean",
        statements: [
          "if (!wellFormed(events, at)) { this.outputs.fill(0); return false; }",
          "switch (events[at]) {",
          ...program.handlers.map((h) => `case ${EVENT_KIND_NAMES.indexOf(h.event)}: return this.${methodName(h)}(events, at);`),
          "default: this.outputs.fill(0); return false;",
          "}",
        ],
      },
      ...methods,
    ],
  });
  for (const name of ["wellFormed", ...[...helpers].sort()]) file.addStatements(helperSource(name));
  file.addStatements(paramLoaderSource(program));
  // a .ts filepath tells prettier the text is not JSX; without it, its JSX sniffing regex is quadratic in the text
  return format(file.getFullText(), { parser: "typescript", filepath: "engine.ts", printWidth: 110 });
}

/** The source line a location points at, trimmed, for the comment above the code it became. */
function quote(program: IrProgram, loc: string): string {
  const line = Number(loc.split(":")[1]);
  const text = (program.sourceLines[line - 1] ?? "").replace(/#.*$/, "").trim();
  return text.length > 90 ? `${text.slice(0, 87)}...` : text;
}

const methodName = (h: Handler) => `on${h.event[0].toUpperCase()}${h.event.slice(1)}`;

function handlerMethod(program: IrProgram, h: Handler, helpers: Set<string>): MethodDeclarationStructure {
  const outputCount = program.outputs.length;
  const ops = new TsOpLowering(h.body, helpers);
  const fields = ["t", "a", "b", "c", "d"].filter((f) => h.inputs.some((i) => i.field === f));
  const lines = [
    "const p = this.params;",
    "const s = this.state;",
    "const o = this.outputs;",
    ...fields.map((f) => `const ${f} = events[at + ${"tabcd".indexOf(f) + 1}];`),
  ];
  // one comment per source line the code comes from: its location and its text
  let lastLine = "";
  for (const ins of h.body) {
    if (ins.op === "const") continue;
    const line = ins.loc.split(":").slice(0, 2).join(":");
    if (line !== lastLine) {
      lines.push(
        ins.loc === "builtin" ? "// the event's fields, validated, and Lockstep's own updates" : `// ${ins.loc}  ${quote(program, ins.loc)}`,
      );
      lastLine = line;
    }
    lines.push(...ops.lines(ins));
  }
  lines.push(`if (!(${ops.cond(h.guard)})) { o.fill(0); return false; }`);
  for (const w of h.writes) lines.push(`s[${w.slot}] = ${ops.ref(w.value)};`);
  const written = new Set(h.outputs.map((x) => x.slot));
  for (let slot = 0; slot < outputCount; slot++) if (!written.has(slot)) lines.push(`o[${slot}] = 0;`);
  for (const x of h.outputs) lines.push(`o[${x.slot}] = ${ops.ref(x.value)};`);
  lines.push("return true;");
  return {
    kind: StructureKind.Method,
    name: methodName(h),
    scope: Scope.Private,
    parameters: [
      { name: "events", type: "Float64Array" },
      { name: "at", type: "number" },
    ],
    returnType: "boolean",
    statements: lines,
  };
}

function metaLiteral(program: IrProgram): string {
  const slot = (s: { name: string; frac: number; range: { lo: bigint; hi: bigint } }, extra = "") =>
    `{ name: ${JSON.stringify(s.name)}, frac: ${s.frac}, lo: ${s.range.lo}, hi: ${s.range.hi}${extra} }`;
  return `{
    name: ${JSON.stringify(program.name)},
    params: [${program.params.map((p) => slot(p, `, default: ${p.default}`)).join(", ")}],
    derived: [${program.derived.map((d) => slot(d, `, source: ${JSON.stringify(d.text)}`)).join(", ")}],
    state: [${program.state.map((s) => slot(s)).join(", ")}],
    outputs: [${program.outputs.map((o) => slot(o)).join(", ")}],
  }`;
}

/** The helper's own source text, so generated modules carry exactly the tested code. */
function helperSource(name: string): string {
  const text = readFileSync(join(packageRoot(), "targets/ts/exact-number-ops.ts"), "utf8");
  const start = text.indexOf(`export function ${name}(`);
  if (start < 0) throw new Error(`no helper ${name}`);
  const docStart = text.lastIndexOf("/**", start);
  const from = docStart >= 0 && !text.slice(docStart, start).includes("}\n") ? docStart : start;
  const end = text.indexOf("\n}\n", start) + 3;
  const needsL = name === "mulShr" ? "const L = 16777216; // 2^24\n" : "";
  return needsL + text.slice(from, end).replace("export function", "function");
}
