import { readFileSync } from "node:fs";
import { join } from "node:path";
import { format } from "prettier";
import { Project, Scope, StructureKind, VariableDeclarationKind, type MethodDeclarationStructure } from "ts-morph";
import type { Handler, IrProgram } from "../../compiler/ir.js";
import { packageRoot } from "../../compiler/package-root.js";
import { EVENT_KIND_NAMES, RECORD_SIZE } from "../../runtime/event-tape.js";
import { TsOpLowering } from "./lower-op.js";
import { moduleHeader, paramLoaderSource } from "./standalone.js";

/**
 * The TypeScript target: one self-contained module per program. State, parameters and outputs live in
 * preallocated Float64Arrays holding exact integers (raw fixed-point values, all below 2^53). Every entry
 * point runs one loop over event rows with the state in locals; a handler is straight-line code over
 * `const` locals inlined in it, so stepping an event allocates nothing.
 */
export async function emitTypeScript(program: IrProgram): Promise<string> {
  const helpers = new Set<string>();
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
        parameters: typed("events: Float64Array", "at: number"),
        returnType: "boolean",
        statements: ["return this.stepRows(events, at, 1, this.outputs, 0) === 1;"],
      },
      {
        name: "stepBatch",
        docs: [
          "Applies `count` events stored as rows [kind, t, a, b, c, d] from row `first` of `events`, writing each\n" +
            `event's ${program.outputs.length} outputs to its row of \`out\` (and the last event's to \`outputs\`). Returns how many were accepted.`,
        ],
        parameters: typed("events: Float64Array", "first: number", "count: number", "out: Float64Array"),
        returnType: "number",
        statements: [
          `const accepted = this.stepRows(events, first * ${RECORD_SIZE}, count, out, 0);`,
          `if (count > 0) this.outputs.set(out.subarray((count - 1) * ${program.outputs.length}, count * ${program.outputs.length}));`,
          "return accepted;",
        ],
      },
      stepRows(program, helpers),
    ],
  });
  for (const name of ["wellFormed", ...[...helpers].sort()]) file.addStatements(helperSource(name));
  file.addStatements(paramLoaderSource(program));
  // a .ts filepath tells prettier the text is not JSX; without it, its JSX sniffing regex is quadratic in the text
  return format(file.getFullText(), { parser: "typescript", filepath: "engine.ts", printWidth: 110 });
}

/** Method parameters from "name: type" texts. */
const typed = (...specs: string[]) => specs.map((spec) => ({ name: spec.split(": ")[0], type: spec.split(": ")[1] }));

/** The source line a location points at, trimmed, for the comment above the code it became. */
function quote(program: IrProgram, loc: string): string {
  const line = Number(loc.split(":")[1]);
  const text = (program.sourceLines[line - 1] ?? "").replace(/#.*$/, "").trim();
  return text.length > 90 ? `${text.slice(0, 87)}...` : text;
}

/** The local that holds a state slot during a batch: `s_` and the slot's name. */
function stateLocals(program: IrProgram): string[] {
  const seen = new Set<string>();
  return program.state.map((st, i) => {
    const base = `s_${st.name.replace(/[^A-Za-z0-9_]/g, "_")}`;
    const name = seen.has(base) ? `${base}_${i}` : base;
    seen.add(name);
    return name;
  });
}

/**
 * The one stepping loop every entry point runs: state lives in locals for the whole batch (loaded once,
 * stored once), each event's handler is inlined in the switch on its kind, and its outputs go to the row
 * of `out` at offset `o`.
 */
function stepRows(program: IrProgram, helpers: Set<string>): MethodDeclarationStructure {
  const width = program.outputs.length;
  const locals = stateLocals(program);
  const clear = `out.fill(0, o, o + ${width});`;
  const cases = program.handlers.flatMap((h) => [
    `case ${EVENT_KIND_NAMES.indexOf(h.event)}: {`,
    `// on ${h.event}`,
    ...handlerLines(program, h, helpers, locals, clear),
    "}",
  ]);
  return {
    kind: StructureKind.Method,
    name: "stepRows",
    scope: Scope.Private,
    parameters: typed("events: Float64Array", "at: number", "count: number", "out: Float64Array", "o: number"),
    returnType: "number",
    statements: [
      "const p = this.params;",
      "const s = this.state;",
      ...locals.map((name, i) => `let ${name} = s[${i}];`),
      "let accepted = 0;",
      `for (const end = at + count * ${RECORD_SIZE}; at < end; at += ${RECORD_SIZE}, o += ${width}) {`,
      `if (!wellFormed(events, at)) { ${clear} continue; }`,
      "switch (events[at]) {",
      ...cases,
      `default: ${clear}`,
      "}",
      "}",
      ...locals.map((name, i) => `s[${i}] = ${name};`),
      "return accepted;",
    ],
  };
}

/** One handler inside the stepping loop: its fields, its values, then (when its guard holds) its writes and outputs. */
function handlerLines(program: IrProgram, h: Handler, helpers: Set<string>, locals: readonly string[], clear: string): string[] {
  const ops = new TsOpLowering(h.body, helpers, (slot) => locals[slot]);
  const fields = ["t", "a", "b", "c", "d"].filter((f) => h.inputs.some((i) => i.field === f));
  const lines = fields.map((f) => `const ${f} = events[at + ${"tabcd".indexOf(f) + 1}];`);
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
  lines.push(`if (!(${ops.cond(h.guard)})) { ${clear} continue; }`);
  for (const w of h.writes) lines.push(`${locals[w.slot]} = ${ops.ref(w.value)};`);
  const written = new Set(h.outputs.map((x) => x.slot));
  for (let slot = 0; slot < program.outputs.length; slot++) if (!written.has(slot)) lines.push(`out[o + ${slot}] = 0;`);
  for (const x of h.outputs) lines.push(`out[o + ${x.slot}] = ${ops.ref(x.value)};`);
  lines.push("accepted++;", "continue;");
  return lines;
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
