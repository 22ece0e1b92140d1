import { Diagnostics } from "../language/diagnostic.js";
import type { Span } from "../language/span.js";
import type { SourceFile } from "../language/source-file.js";
import { quantize } from "../compiler/derived-eval.js";
import * as X from "../compiler/exact-math.js";
import type { IrProgram, ParamSlot } from "../compiler/ir.js";
import { exactDecimal } from "./slot-format.js";

/**
 * Base parameters from a flat JSON object, `{ "gamma": 0.12, "order_qty": 50 }`, each value a decimal in
 * the parameter's own units, as the source writes its default (durations in nanoseconds). Numbers are
 * read from their text, not through a double, so `0.1` is the rational 1/10, and quantized to the
 * parameter's format as the default is: half-even (`quantize`). A value that is not representable is
 * rounded with a note saying to what; a fraction of a tick, lot or nanosecond is refused, as in the source.
 * Parameters not named keep their defaults.
 */
export interface ParamValues {
  readonly base: bigint[];
  /** Roundings, one per rounded value, as diagnostics of severity note. */
  readonly diagnostics: Diagnostics;
}

type Token =
  | { readonly kind: "punct"; readonly text: string; readonly span: Span }
  | { readonly kind: "string"; readonly value: string; readonly span: Span }
  | { readonly kind: "number"; readonly text: string; readonly span: Span }
  | { readonly kind: "other"; readonly text: string; readonly span: Span };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const OTHER = /[^\s{}:,"]+|"[^\n]*/y;
const MAX_EXPONENT = 400;
const HINT = 'write one object of parameter names and numbers, e.g. { "gamma": 0.12, "order_qty": 50 }';

function tokens(text: string): Token[] {
  const out: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const ch = text[at];
    if (/\s/.test(ch) || ch === "\uFEFF") {
      at++;
      continue;
    }
    if ("{}:,".includes(ch)) {
      out.push({ kind: "punct", text: ch, span: { start: at, end: at + 1 } });
      at++;
      continue;
    }
    for (const [kind, re] of [["string", STRING], ["number", NUMBER], ["other", OTHER]] as const) {
      re.lastIndex = at;
      const m = re.exec(text);
      if (!m || m[0] === "") continue;
      const span = { start: at, end: at + m[0].length };
      // a number glued to letters (`60s`) is not a number
      const glued = kind === "number" && /[^\s{}:,]/.test(text[span.end] ?? " ");
      if (glued) continue;
      out.push(kind === "string" ? { kind, value: JSON.parse(m[0]) as string, span } : { kind, text: m[0], span });
      at = span.end;
      break;
    }
  }
  return out;
}

/** The exact rational a JSON number text stands for (JSON has no `_`; an exponent scales by 10^k). */
function jsonNumber(text: string): X.Rational {
  const [mantissa, exponent = "0"] = text.toLowerCase().split("e");
  const m = X.parseDecimal(mantissa.replace("-", ""));
  const e = BigInt(exponent);
  const scaled = e >= 0n ? X.mul(m, X.rat(10n ** e)) : X.div(m, X.rat(10n ** -e));
  return mantissa.startsWith("-") ? X.rat(-scaled.n, scaled.d) : scaled;
}

const WHOLE_UNITS: Readonly<Record<string, string>> = { ticks: "ticks", lots: "lots", ns: "nanoseconds" };

function paramRaw(p: ParamSlot, value: X.Rational, span: Span, text: string, diags: Diagnostics): bigint | undefined {
  const raw = quantize(value, p.frac);
  const exact = X.cmp(X.rat(raw, 1n << BigInt(p.frac)), value) === 0;
  const range = `[${exactDecimal(p.range.lo, p.frac)}, ${exactDecimal(p.range.hi, p.frac)}]`;
  const unit = p.unit === "a plain number" ? "" : ` ${p.unit}`;
  if (!exact && p.frac === 0 && WHOLE_UNITS[p.unit]) {
    diags.error("PA004", span, `${p.name} = ${text} is not a whole number of ${WHOLE_UNITS[p.unit]}`, `write a whole number in ${range}`);
    return undefined;
  }
  if (raw < p.range.lo || raw > p.range.hi) {
    diags.error("PA005", span, `${p.name} = ${text} is outside its declared range ${range}${unit}`, `write a value in ${range}`);
    return undefined;
  }
  if (!exact)
    diags.note(
      "PA006",
      span,
      `${p.name} = ${text} is not representable with ${p.frac} fraction bits; it is rounded half-even to ${exactDecimal(raw, p.frac)} (raw ${raw})`,
      "as the source's own defaults are",
    );
  return raw;
}

/** Reads and checks the object; every problem is a diagnostic, and no values are returned after an error. */
export function parseParamsJson(file: SourceFile, program: IrProgram): ParamValues | { diagnostics: Diagnostics } {
  const diags = new Diagnostics();
  const base = program.params.map((p) => p.default);
  const toks = tokens(file.text);
  const end: Span = { start: file.text.length, end: file.text.length };
  let i = 0;
  const expect = (text: string, what: string): boolean => {
    const tok = toks[i];
    if (tok?.kind === "punct" && tok.text === text) {
      i++;
      return true;
    }
    const got = !tok ? "the end of the file" : tok.kind === "string" ? JSON.stringify(tok.value) : `'${tok.text}'`;
    diags.error("PA001", tok?.span ?? end, `expected ${what}, found ${got}`, HINT);
    return false;
  };
  const seen = new Set<string>();
  if (!expect("{", "'{'")) return { diagnostics: diags };
  if (toks[i]?.kind === "punct" && (toks[i] as { text: string }).text === "}") i++;
  else
    for (;;) {
      const key = toks[i];
      if (key?.kind !== "string") {
        expect('"', "a parameter name in double quotes");
        return { diagnostics: diags };
      }
      i++;
      if (!expect(":", "':' after the parameter name")) return { diagnostics: diags };
      const value = toks[i];
      if (value?.kind !== "number") {
        const got = !value ? "nothing" : value.kind === "string" ? JSON.stringify(value.value) : `'${"text" in value ? value.text : ""}'`;
        diags.error("PA002", value?.span ?? end, `the value of ${key.value} must be a number, found ${got}`, "write a decimal in the parameter's own units (durations in nanoseconds, e.g. 60000000000 for 60s)");
        return { diagnostics: diags };
      }
      i++;
      // 1e-99999999 would make a 10^99999999 denominator; no parameter is anywhere near that small
      if (Math.abs(Number(value.text.toLowerCase().split("e")[1] ?? 0)) > MAX_EXPONENT) {
        diags.error("PA002", value.span, `the exponent of ${value.text} is beyond ±${MAX_EXPONENT}`, "write the value as a plain decimal");
        return { diagnostics: diags };
      }
      const slot = program.params.findIndex((p) => p.name === key.value);
      if (seen.has(key.value)) diags.error("PA003", key.span, `${key.value} is given twice`, "remove one of them");
      else if (slot < 0) {
        const derived = program.derived.some((d) => d.name === key.value);
        diags.error(
          "PA003",
          key.span,
          derived ? `${key.value} is derived from other parameters and cannot be set` : `unknown parameter ${JSON.stringify(key.value)}`,
          `the parameters of ${program.name} are ${program.params.map((p) => p.name).join(", ")}`,
        );
      } else {
        const raw = paramRaw(program.params[slot], jsonNumber(value.text), value.span, value.text, diags);
        if (raw !== undefined) base[slot] = raw;
      }
      seen.add(key.value);
      const sep = toks[i];
      if (sep?.kind === "punct" && sep.text === ",") {
        i++;
        continue;
      }
      if (!expect("}", "',' or '}'")) return { diagnostics: diags };
      break;
    }
  if (i < toks.length) diags.error("PA001", toks[i].span, "unexpected text after the object", HINT);
  return diags.hasErrors ? { diagnostics: diags } : { base, diagnostics: diags };
}
