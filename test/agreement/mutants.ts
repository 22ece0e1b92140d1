import { findList, head, parseSexp, printSexp, type Sexp } from "./sexpr.js";

/**
 * Mutants of emitted code: each is a small, plausible compiler bug applied to one site of the emitted
 * TypeScript or WebAssembly text. `lockstep test --artifacts` must catch every one. Bugs in the lowering
 * of IR ops are planted in the IR instead (ir-mutants.ts); the ones here that matter most are in code
 * that exists only in emitted form: the batch loop, the reset, the well-formedness check of an event.
 */
export interface Mutant {
  readonly name: string;
  readonly target: "ts" | "wasm";
  /** Returns the mutated text, or undefined when the site is not found. */
  readonly apply: (text: string) => string | undefined;
}

/** Replaces the first match of `re` inside the TypeScript method `method`. */
function inMethod(method: string, re: RegExp, replace: (m: RegExpExecArray) => string): (text: string) => string | undefined {
  return (text) => {
    const start = text.indexOf(`private ${method}(`);
    if (start < 0) return undefined;
    const end = text.indexOf("\n  }\n", start);
    const body = text.slice(start, end);
    const m = re.exec(body);
    if (!m) return undefined;
    return text.slice(0, start) + body.slice(0, m.index) + replace(m) + body.slice(m.index + m[0].length) + text.slice(end);
  };
}

/** Replaces the first match of `re` in the module, outside any handler method. */
function inModule(re: RegExp, replace: (m: RegExpExecArray) => string): (text: string) => string | undefined {
  return (text) => {
    const m = re.exec(text);
    return m ? text.slice(0, m.index) + replace(m) + text.slice(m.index + m[0].length) : undefined;
  };
}

export const TS_MUTANTS: Mutant[] = [
  {
    name: "flipped comparison (notional limit: < becomes <=)",
    target: "ts",
    apply: inMethod("onOrder", /const (v\d+) = (\d{6,}) < (v\d+);/, (m) => `const ${m[1]} = ${m[2]} <= ${m[3]};`),
  },
  {
    // the ln table's index, floor((ratio - 15/16) / 2^n), emitted as a division (the ratio has 49 fraction bits)
    name: "off-by-one shift (table index / 2^n becomes / 2^(n-1))",
    target: "ts",
    apply: inMethod("onBook", /= Math\.floor\((v\d+) \/ (\d+)\);(\s*const v\d+ = LUT_)/, (m) => `= Math.floor(${m[1]} / ${Number(m[2]) / 2});${m[3]}`),
  },
  {
    // the step product of the ln table's interpolation: mulShr(step, position, n, mode 2 = half-even)
    name: "wrong rounding (half-even becomes ceil in the interpolation product)",
    target: "ts",
    apply: inMethod("onBook", /mulShr\((v\d+), (v\d+), (\d+), 2\)/, (m) => `mulShr(${m[1]}, ${m[2]}, ${m[3]}, 1)`),
  },
  {
    // precision(log_return(mid) * 10_000, 16): the first half-even rounding after the scaling to basis points
    name: "wrong rounding (half-even becomes floor)",
    target: "ts",
    apply: inMethod("onBook", /\* 10000;\n(?:[^\n]*\n){1,4}?[^\n]*\? (v\d+_q) \+ 1 : (v\d+_q);/, (m) =>
      m[0].replace(`? ${m[1]} + 1 : ${m[2]};`, `? ${m[1]} : ${m[2]};`),
    ),
  },
  {
    name: "dropped saturation (position clamp on fills)",
    target: "ts",
    apply: inMethod("onFill", /(v\d+) < (-\d{3,}) \? \2 : \1 > (\d+) \? \3 : \1;/, (m) => `${m[1]};`),
  },
  {
    name: "swapped operands (a - b becomes b - a)",
    target: "ts",
    apply: inMethod("onBook", /const (v\d+) = (v\d+) - (v\d+);/, (m) => `const ${m[1]} = ${m[3]} - ${m[2]};`),
  },
  {
    name: "well-formedness check skips the last field (i < 6 becomes i < 5)",
    target: "ts",
    apply: inModule(/(function wellFormed\([^)]*\)[^{]*\{\s*for \(let i = 0; i < )6;/, (m) => `${m[1]}5;`),
  },
  {
    // caught only where the harness runs each stream on freshly reset engines and checks the reset
    name: "reset leaves the position of the previous session",
    target: "ts",
    apply: inModule(/\n\s*s\[\d+\] = -?\d+; \/\/ position\n/, () => "\n"),
  },
];

/** Applies `edit` to the first list matching `pred` inside the inlined handler block for `event`. */
function inHandler(event: string, pred: (l: Sexp[]) => boolean, edit: (hit: { node: Sexp[]; parent: Sexp[]; index: number }) => void) {
  return (text: string): string | undefined => {
    const module = parseSexp(text);
    const name = `$__inlined_func$on_${event}`;
    const named = (x: Sexp) => typeof x === "string" && (x === name || x.startsWith(`${name}$`) || x === `$on_${event}`);
    const block = findList(module, (l) => (head(l) === "block" || head(l) === "func") && named(l[1]));
    if (!block) return undefined;
    const hit = findList(block.node, pred);
    if (!hit) return undefined;
    edit(hit);
    return module.map(printSexp).join("\n");
  };
}

/** Applies `edit` to the first list matching `pred` inside the exported function `name`. */
function inFunction(name: string, pred: (l: Sexp[]) => boolean, edit: (hit: { node: Sexp[]; parent: Sexp[]; index: number }) => void) {
  return (text: string): string | undefined => {
    const module = parseSexp(text);
    // the definition, not the (func $name) reference inside its export
    const fn = findList(module, (l) => head(l) === "func" && l[1] === `$${name}` && l.length > 2);
    if (!fn) return undefined;
    const hit = findList(fn.node, pred);
    if (!hit) return undefined;
    edit(hit);
    return module.map(printSexp).join("\n");
  };
}

/** avellaneda.lstep's notional limit in raw units: 10,000 USDT / (lot 0.00001 * tick 0.01). */
const NOTIONAL_CAP = "100000000000";

const isI32Const = (e: Sexp) => Array.isArray(e) && e[0] === "i32.const";
const isConst = (e: Sexp, min = 0n) => Array.isArray(e) && e[0] === "i64.const" && BigInt(e[1] as string) >= min;

export const WASM_MUTANTS: Mutant[] = [
  {
    name: "flipped comparison (notional limit: < becomes <=)",
    target: "wasm",
    apply: inHandler(
      "order",
      (l) =>
        ["i64.lt_s", "i64.gt_s"].includes(head(l)) &&
        l.slice(1).some((x) => Array.isArray(x) && x[0] === "i64.const" && x[1] === NOTIONAL_CAP),
      ({ node }) => (node[0] = node[0] === "i64.lt_s" ? "i64.le_s" : "i64.ge_s"),
    ),
  },
  {
    name: "off-by-one shift (shr_s of a product by n becomes n-1)",
    target: "wasm",
    apply: inHandler(
      "book",
      (l) => head(l) === "i64.shr_s" && Array.isArray(l[1]) && head(l[1]) === "i64.mul" && isConst(l[2], 2n),
      ({ node }) => ((node[2] as Sexp[])[1] = String(BigInt((node[2] as Sexp[])[1] as string) - 1n)),
    ),
  },
  {
    name: "wrong rounding (half-even becomes floor)",
    target: "wasm",
    apply: inHandler(
      "book",
      (l) =>
        head(l) === "i64.add" &&
        l.slice(1).some((x) => Array.isArray(x) && head(x) === "i64.extend_i32_u" && printSexp(x).includes("i64.gt_u")),
      ({ node, parent, index }) => {
        const keep = node.slice(1).find((x) => !(Array.isArray(x) && head(x) === "i64.extend_i32_u"));
        parent[index] = keep!;
      },
    ),
  },
  {
    name: "dropped saturation (lower bound of the position clamp on fills)",
    target: "wasm",
    apply: inHandler(
      "fill",
      (l) => head(l) === "select" && Array.isArray(l[1]) && l[1][0] === "i64.const" && BigInt(l[1][1] as string) <= -1000n,
      ({ node, parent, index }) => (parent[index] = node[2]),
    ),
  },
  {
    name: "swapped operands (i64.sub)",
    target: "wasm",
    apply: inHandler(
      "book",
      (l) => head(l) === "i64.sub" && l.length === 3 && !isConst(l[1], -(2n ** 63n)) && !isConst(l[2], -(2n ** 63n)),
      ({ node }) => ([node[1], node[2]] = [node[2], node[1]]),
    ),
  },
  {
    // caught only where the harness compares step_batch with step
    name: "step_batch reads rows at the wrong stride (48 bytes becomes 40)",
    target: "wasm",
    apply: inFunction(
      "step_batch",
      (l) => head(l) === "i32.mul" && l.some((x) => Array.isArray(x) && x[0] === "i32.const" && x[1] === "48"),
      ({ node }) => {
        const c = node.find((x) => Array.isArray(x) && x[0] === "i32.const") as Sexp[];
        c[1] = "40";
      },
    ),
  },
  {
    // caught only where the harness compares step_batch with step
    name: "step_batch copies each event's outputs to half its row offset",
    target: "wasm",
    apply: inFunction(
      "step_batch",
      // the output row's size in bytes: a shift when it is a power of two, else a product (not the event row's 48)
      (l) => (head(l) === "i32.shl" || (head(l) === "i32.mul" && !(Array.isArray(l[2]) && l[2][1] === "48"))) && isI32Const(l[2]),
      ({ node }) => {
        const size = node[2] as Sexp[];
        size[1] = String(head(node) === "i32.shl" ? Number(size[1]) - 1 : Number(size[1]) / 2);
      },
    ),
  },
  {
    // caught only where the harness runs each stream on freshly reset engines and checks the reset
    name: "reset_state leaves the first state slot (position) of the previous session",
    target: "wasm",
    apply: (text) => {
      const offset = /\(global \$state_offset i32 \(i32\.const (\d+)\)\)/.exec(text)?.[1];
      return inFunction(
        "reset_state",
        (l) => head(l) === "i64.store" && Array.isArray(l[1]) && l[1][0] === "i32.const" && l[1][1] === offset,
        ({ parent, index }) => parent.splice(index, 1),
      )(text);
    },
  },
];
