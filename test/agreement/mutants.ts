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

/**
 * Replaces the first match of `re` inside the code of the handler for `event`: the case of the stepping
 * loop that starts with the comment `// on <event>`, up to the next handler's.
 */
function inHandlerCase(event: string, re: RegExp, replace: (m: RegExpExecArray) => string): (text: string) => string | undefined {
  return (text) => {
    const start = text.indexOf(`// on ${event}\n`);
    if (start < 0) return undefined;
    const next = text.slice(start + 1).search(/\/\/ on \w+\n|default:/);
    const end = next < 0 ? text.length : start + 1 + next;
    const body = text.slice(start, end);
    const m = re.exec(body);
    if (!m) return undefined;
    return text.slice(0, start) + body.slice(0, m.index) + replace(m) + body.slice(m.index + m[0].length) + text.slice(end);
  };
}

/** Replaces the first match of `re` in the module. */
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
    apply: inHandlerCase("order", /const (v\d+) = (\d{6,}) < (v\d+);/, (m) => `const ${m[1]} = ${m[2]} <= ${m[3]};`),
  },
  {
    // the ln table's index, floor((ratio - 15/16) / 2^n), emitted as a scaling by 2^-n (the ratio has 49 fraction bits)
    name: "off-by-one shift (table index / 2^n becomes / 2^(n-1))",
    target: "ts",
    apply: inHandlerCase("book", /= Math\.floor\((v\d+) \* ([\d.e-]+)\);(\s*const v\d+ = LUT_)/, (m) => `= Math.floor(${m[1]} * ${Number(m[2]) * 2});${m[3]}`),
  },
  {
    // the step product of the ln table's interpolation, on its fast path (the product below 2^53, the
    // only path this table's steps take): the half-even rounding by the 1.5 * 2^52 constant
    name: "wrong rounding (half-even becomes ceil in the interpolation product)",
    target: "ts",
    apply: inHandlerCase("book", /(v\d+_p) \* ([\d.e-]+) \+ 6755399441055744 - 6755399441055744/, (m) => `Math.ceil(${m[1]} * ${m[2]})`),
  },
  {
    // precision(log_return(mid) * 10_000, 16): the first half-even rounding after the scaling to basis points
    name: "wrong rounding (half-even becomes floor)",
    target: "ts",
    apply: inHandlerCase("book", /(\* 10000;\s*const v\d+ = )(v\d+) \* ([\d.e-]+) \+ 6755399441055744 - 6755399441055744;/, (m) =>
      `${m[1]}Math.floor(${m[2]} * ${m[3]});`,
    ),
  },
  {
    name: "dropped saturation (position clamp on fills)",
    target: "ts",
    apply: inHandlerCase("fill", /(v\d+) < (-\d{3,}) \? \2 : \1 > (\d+) \? \3 : \1;/, (m) => `${m[1]};`),
  },
  {
    name: "swapped operands (a - b becomes b - a)",
    target: "ts",
    apply: inHandlerCase("book", /const (v\d+) = (v\d+) - (v\d+);/, (m) => `const ${m[1]} = ${m[3]} - ${m[2]};`),
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
  {
    // caught only where the harness compares stepBatch with step: step steps one event, so the stride never shows there
    name: "stepBatch writes each event's outputs one slot short of its row (o += W becomes W - 1)",
    target: "ts",
    apply: inModule(/(at \+= 6, o \+= )(\d+)\)/, (m) => `${m[1]}${Number(m[2]) - 1})`),
  },
  {
    // every entry point runs the one stepping loop, which keeps state in locals and stores them back at its end
    name: "the stepping loop stores its state locals back swapped (position and bid)",
    target: "ts",
    apply: inModule(/s\[0\] = (s_\w+);\n(\s*)s\[1\] = (s_\w+);/, (m) => `s[1] = ${m[1]};\n${m[2]}s[0] = ${m[3]};`),
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
    // (x + 2^(n-1) - 1 + ((x >> n) & 1)) >> n: without the quotient's parity, a tie rounds down
    name: "wrong rounding (half-even ties always round down)",
    target: "wasm",
    apply: inHandler(
      "book",
      (l) => head(l) === "i64.and" && Array.isArray(l[1]) && head(l[1]) === "i64.shr_s" && Array.isArray(l[2]) && l[2][0] === "i64.const" && l[2][1] === "1",
      ({ parent, index }) => (parent[index] = ["i64.const", "0"]),
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
    name: "step_batch writes each event's outputs to half its row offset",
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
