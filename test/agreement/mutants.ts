import { findList, head, parseSexp, printSexp, type Sexp } from "./sexpr.js";

/**
 * Mutants of emitted code: each is a small, plausible compiler bug applied to one site of the emitted
 * TypeScript or WebAssembly text. `lockstep test --artifacts` must catch every one.
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

export const TS_MUTANTS: Mutant[] = [
  {
    name: "flipped comparison (notional limit: < becomes <=)",
    target: "ts",
    apply: inMethod("onOrder", /const (v\d+) = (\d{6,}) < (v\d+);/, (m) => `const ${m[1]} = ${m[2]} <= ${m[3]};`),
  },
  {
    name: "off-by-one shift (table index >> n becomes >> n-1)",
    target: "ts",
    apply: inMethod("onBook", /(v\d+) >> (\d+);/, (m) => `${m[1]} >> ${Number(m[2]) - 1};`),
  },
  {
    name: "wrong rounding (floor becomes ceil in a product)",
    target: "ts",
    apply: inMethod("onBook", /Math\.floor\(\((v\d+) \* (v\d+)\)/, (m) => `Math.ceil((${m[1]} * ${m[2]})`),
  },
  {
    name: "wrong rounding (half-even becomes floor)",
    target: "ts",
    apply: inMethod("onBook", /\? (v\d+_q) \+ 1 : (v\d+_q);/, (m) => `? ${m[1]} : ${m[2]};`),
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

/** avellaneda.lstep's notional limit in raw units: 10,000 USDT / (lot 0.00001 * tick 0.01). */
const NOTIONAL_CAP = "100000000000";

const isConst = (e: Sexp, min = 0n) => Array.isArray(e) && e[0] === "i64.const" && BigInt(e[1] as string) >= min;

export const WASM_MUTANTS: Mutant[] = [
  {
    name: "flipped comparison (notional limit: < becomes <=)",
    target: "wasm",
    apply: inHandler(
      "order",
      (l) => ["i64.lt_s", "i64.gt_s"].includes(head(l)) && l.slice(1).some((x) => Array.isArray(x) && x[0] === "i64.const" && x[1] === NOTIONAL_CAP),
      ({ node }) => (node[0] = node[0] === "i64.lt_s" ? "i64.le_s" : "i64.ge_s"),
    ),
  },
  {
    name: "off-by-one shift (shr_s by n becomes n-1)",
    target: "wasm",
    apply: inHandler(
      "book",
      (l) => head(l) === "i64.shr_s" && isConst(l[2], 2n),
      ({ node }) => ((node[2] as Sexp[])[1] = String(BigInt((node[2] as Sexp[])[1] as string) - 1n)),
    ),
  },
  {
    name: "wrong rounding (half-even becomes floor)",
    target: "wasm",
    apply: inHandler(
      "book",
      (l) => head(l) === "i64.add" && l.slice(1).some((x) => Array.isArray(x) && head(x) === "i64.extend_i32_u" && printSexp(x).includes("i64.gt_u")),
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
];
