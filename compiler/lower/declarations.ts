import type * as A from "../../language/ast.js";
import type { Diagnostics } from "../../language/diagnostic.js";
import type { Span } from "../../language/span.js";
import * as X from "../exact-math.js";
import { quantize } from "../derived-eval.js";
import { bitsFor, fits, formatRaw, iv, LIMIT_53 } from "../interval.js";
import type { Interval } from "../ir.js";
import { NONE, PRICE, QTY, TIME, showUnit, type Unit } from "../units.js";
import { constantValue } from "./constants.js";
import type { InstrumentInfo, ProgramModel } from "./program-model.js";

const I31 = (1n << 31n) - 1n;
export const TIME_MAX = 1n << 50n;

/** A declared type: its fraction bits, unit and the widest range its format allows. */
export interface TypeInfo {
  readonly frac: number;
  readonly unit: Unit;
  readonly format: Interval;
  readonly name: string;
}

export function resolveType(
  t: A.TypeExpr,
  instrument: InstrumentInfo | undefined,
  diags: Diagnostics,
): TypeInfo | undefined {
  if (t.kind === "fix") {
    const { intBits, fracBits } = t;
    if (fracBits < 0 || intBits < 1 || intBits + fracBits > 53) {
      diags.error(
        "T001",
        t.span,
        `fix<${intBits}.${fracBits < 0 ? "?" : fracBits}> is not a valid format`,
        "write fix<I.F> with I >= 1 integer bits (sign included) and F fraction bits, I + F <= 53, e.g. fix<8.24>",
      );
      return undefined;
    }
    const half = 1n << BigInt(intBits + fracBits - 1);
    const unit = t.unit === "ticks" ? PRICE : t.unit === "lots" ? QTY : NONE;
    return { frac: fracBits, unit, format: iv(-half, half - 1n), name: `fix<${intBits}.${fracBits}>${t.unit ? ` ${t.unit}` : ""}` };
  }
  switch (t.name.name) {
    case "price":
      return { frac: 0, unit: PRICE, format: priceFormat(instrument), name: "price" };
    case "qty":
      return { frac: 0, unit: QTY, format: instrument?.qty ?? iv(0n, I31), name: "qty" };
    case "duration":
      return { frac: 0, unit: TIME, format: iv(0n, TIME_MAX), name: "duration" };
    case "int":
      return { frac: 0, unit: NONE, format: iv(-I31 - 1n, I31), name: "int" };
    case "bool":
      return { frac: 0, unit: NONE, format: iv(0n, 1n), name: "bool" };
    default:
      diags.error(
        "T002",
        t.name.span,
        `unknown type '${t.name.name}'`,
        "use fix<I.F>, int, price (ticks), qty (lots), duration or bool",
      );
      return undefined;
  }
}

/** Price-typed values are often offsets and skews, so the type spans both signs of the price range. */
function priceFormat(instrument: InstrumentInfo | undefined): Interval {
  const hi = instrument?.price.hi ?? I31;
  return iv(-hi, hi);
}

const DEFAULT_INSTRUMENT_RANGES = { price: iv(1n, I31), qty: iv(0n, I31), position: iv(-I31, I31) };

export function lowerInstrument(decl: A.InstrumentDecl | undefined, diags: Diagnostics): InstrumentInfo {
  const info = {
    name: decl?.name.name ?? "",
    tick: X.rat(1n),
    lot: X.rat(1n),
    multiplier: X.rat(1n),
    ...DEFAULT_INSTRUMENT_RANGES,
  };
  for (const f of decl?.fields ?? []) {
    const name = f.name.name;
    if ((name === "tick" || name === "lot" || name === "multiplier") && f.value) {
      const v = constantValue(f.value);
      if (!v || v.n <= 0n) {
        diags.error("T003", f.value.span, `${name} must be a positive number`, `write e.g. ${name} = 0.25`);
        continue;
      }
      info[name] = v;
    } else if ((name === "price" || name === "qty" || name === "position") && f.range) {
      const r = integerRange(f.range, diags);
      if (r && !fits(r, LIMIT_53)) {
        diags.error("R001", f.range.span, `the ${name} range needs ${bitsFor(r)} bits; market values are limited to 53 bits`, "declare a narrower range");
        continue;
      }
      if (r) info[name] = r;
    } else {
      diags.error(
        "N008",
        f.name.span,
        `unknown instrument field '${name}'`,
        "an instrument has tick = N, lot = N, multiplier = N, and optional ranges price in [lo, hi] ticks, qty in [lo, hi] lots, position in [lo, hi] lots",
      );
    }
  }
  const priceField = decl?.fields.find((f) => f.name.name === "price");
  if (info.price.lo < 1n)
    diags.error(
      "T004",
      priceField?.span ?? decl?.span ?? { start: 0, end: 0 },
      "prices must be at least 1 tick",
      "declare price in [1, N] ticks",
    );
  const qtyField = decl?.fields.find((f) => f.name.name === "qty");
  if (info.qty.lo < 0n)
    diags.error(
      "T004",
      qtyField?.span ?? decl?.span ?? { start: 0, end: 0 },
      "quantities must be at least 0 lots",
      `declare qty in [0, ${info.qty.hi}] lots, or with the smallest quantity the market trades as the lower bound`,
    );
  const widest = info.position.hi > -info.position.lo ? info.position.hi : -info.position.lo;
  if (widest + info.qty.hi >= 1n << 52n)
    diags.error(
      "R001",
      decl?.fields.find((f) => f.name.name === "position")?.span ?? decl?.span ?? { start: 0, end: 0 },
      `the position range and the largest quantity (${info.qty.hi} lots) reach 2^52 lots together: the exact position register must hold more than the declared range, and position + an order's quantity must fit 53 bits`,
      `declare position within [-${(1n << 52n) - info.qty.hi - 1n}, ${(1n << 52n) - info.qty.hi - 1n}] lots, or a smaller qty maximum`,
    );
  return info;
}

export function integerRange(r: A.RangeExpr, diags: Diagnostics): Interval | undefined {
  const lo = constantValue(r.lo);
  const hi = constantValue(r.hi);
  if (!lo || !hi || lo.d !== 1n || hi.d !== 1n) {
    diags.error("T005", r.span, "this range needs whole-number constant bounds", "write e.g. [1, 100000]");
    return undefined;
  }
  if (lo.n > hi.n) {
    diags.error("T006", r.span, `the range is empty: ${lo.n} is greater than ${hi.n}`, "write the lower bound first");
    return undefined;
  }
  return iv(lo.n, hi.n);
}

/** Base parameters become slots 0..n-1 with their declared format, range and quantized default. */
export function lowerParams(decls: readonly A.ParamDecl[], model: ProgramModel): void {
  for (const p of decls) {
    const before = model.diags.items.length;
    lowerParam(p, model);
    if (model.diags.items.length > before && !model.paramInfo.has(p.name.name)) model.rejectedNames.add(p.name.name);
  }
}

function lowerParam(p: A.ParamDecl, model: ProgramModel): void {
  const { diags } = model;
  {
    if (model.paramInfo.has(p.name.name)) {
      diags.error("N002", p.name.span, `parameter '${p.name.name}' is declared twice`, "rename or remove one of them");
      return;
    }
    const type = resolveType(p.type, model.instrument, diags);
    if (!type) return;
    const value = constantValue(p.value);
    if (!value) {
      diags.error(
        "T007",
        p.value.span,
        "a parameter's default must be a constant",
        "write a number such as 0.1, 60s or 20",
      );
      return;
    }
    const range = p.range ? rationalRange(p.range, diags) : undefined;
    if (p.range && !range) return;
    const raw = quantizeChecked(value, type, p.value.span, model);
    const lo = range ? quantize(range.lo, type.frac) : type.format.lo;
    const hi = range ? quantize(range.hi, type.frac) : type.format.hi;
    if (lo < type.format.lo || hi > type.format.hi) {
      diags.error(
        "T008",
        p.range?.span ?? p.name.span,
        `the range does not fit the format ${type.name}`,
        `widen the format or narrow the range to [${formatRaw(type.format.lo, type.frac)}, ${formatRaw(type.format.hi, type.frac)}]`,
      );
      return;
    }
    if (raw < lo || raw > hi) {
      diags.error(
        "T009",
        p.value.span,
        `the default ${formatRaw(raw, type.frac)} is outside the declared range [${formatRaw(lo, type.frac)}, ${formatRaw(hi, type.frac)}]`,
        "change the default or the range",
      );
      return;
    }
    const slot = model.params.length;
    model.params.push({
      name: p.name.name,
      frac: type.frac,
      range: iv(lo, hi),
      default: raw,
      loc: model.loc(p.span),
      unit: showUnit(type.unit),
    });
    const scale = X.rat(1n, 1n << BigInt(type.frac));
    model.paramInfo.set(p.name.name, {
      slot,
      unit: type.unit,
      bounds: { lo: X.mul(X.rat(lo), scale), hi: X.mul(X.rat(hi), scale) },
    });
  }
}

function rationalRange(r: A.RangeExpr, diags: Diagnostics): { lo: X.Rational; hi: X.Rational } | undefined {
  const lo = constantValue(r.lo);
  const hi = constantValue(r.hi);
  if (!lo || !hi) {
    diags.error("T005", r.span, "a range needs constant bounds", "write e.g. in [0.001, 10]");
    return undefined;
  }
  if (X.cmp(lo, hi) > 0) {
    diags.error(
      "T006",
      r.span,
      "the range is empty: its lower bound is greater than its upper bound",
      "write the lower bound first",
    );
    return undefined;
  }
  return { lo, hi };
}

/** Quantizes a literal to a format, noting any rounding error; whole-number types refuse fractions. */
export function quantizeChecked(value: X.Rational, type: TypeInfo, span: Span, model: ProgramModel): bigint {
  const raw = quantize(value, type.frac);
  const back = X.rat(raw, 1n << BigInt(type.frac));
  if (X.cmp(back, value) !== 0) {
    if (type.frac === 0 && type.name !== "int") {
      model.diags.error(
        "T010",
        span,
        `${X.toNumber(value)} is not a whole number of ${type.unit === TIME ? "nanoseconds" : type.unit === PRICE ? "ticks" : "lots"}`,
        "write a whole number",
      );
    } else {
      const err = Math.abs(X.toNumber(X.sub(back, value)));
      model.notes.push({
        loc: model.loc(span),
        message: `${X.toNumber(value)} quantized to ${formatRaw(raw, type.frac)} (error ${err.toExponential(2)})`,
      });
    }
  }
  return raw;
}
