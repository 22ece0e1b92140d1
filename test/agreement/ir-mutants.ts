import { TIME_MAX } from "../../compiler/lower/declarations.js";
import type { Instr, IrProgram } from "../../compiler/ir.js";
import { roundDiv } from "../../compiler/interval.js";
import { entryAbsorbed } from "./absorbed-entry.js";
import { handlerOf, SiteNotFound, usersOf } from "./ir-edit.js";
import {
  clampBound,
  constOperand,
  dropWrite,
  liveMiddle,
  lutEntry,
  neverTrue,
  paramPlusLsb,
  setPred,
  setRounding,
  shiftBy,
  swapCmpOperands,
  swapOperands,
  swapSelectArms,
  weakenGuard,
  type Mutation,
} from "./ir-mutation-operators.js";
import {
  at,
  derivedSlot,
  isParam,
  isState,
  leafConst,
  lutIndex,
  operandOf,
  riskCheck,
  stateSlot,
  the,
  written,
  type Finder,
  type OpOf,
} from "./ir-sites.js";

/**
 * The IR mutation catalogue: plausible compiler bugs, each planted in the IR of one example, so that
 * both targets are emitted from the same mutated program and the mutant outlives emitter rewrites.
 * `lockstep test --artifacts` at 3,000 streams must catch every one that is not equivalent.
 *
 * An equivalent mutant (no input can tell it apart from the original) stays in the list with its
 * argument; `check` asserts the facts the argument rests on, on the original program, and throws when
 * one does not hold (then the mutant is no longer known to be equivalent).
 */
export type Example = "avellaneda" | "glft" | "grid";

/** The bug classes issue 6 names, and the generic operators. */
export const MUTANT_CLASSES = [
  "rate limiter disabled",
  "rate limiter burst one token short",
  "rate limiter compare flipped",
  "price band width +-1",
  "price band > written >=",
  "table entry +1 LSB (live zone)",
  "derived parameter 1 LSB high",
  "log-return guard/clamp constant",
  "comparison predicate",
  "comparison operands swapped",
  "constant +-1",
  "rounding mode",
  "shift amount +-1",
  "dropped state write",
  "dropped clamp bound",
  "swapped operands",
  "select arms swapped",
  "guard weakened",
] as const;
export type MutantClass = (typeof MUTANT_CLASSES)[number];

export interface IrMutant {
  readonly name: string;
  readonly example: Example;
  readonly cls: MutantClass;
  /** The site, in words: what a reader looks for in the IR. */
  readonly site: string;
  readonly mutate: Mutation;
  readonly equivalent?: { readonly argument: string; readonly check: (p: IrProgram) => void };
  /**
   * A real bug that 3,000 streams do not yet catch: why, and what would. Listed, not hidden: the score
   * test runs it and fails once it is caught, so that the entry is moved back among the caught ones.
   */
  readonly survivesToday?: string;
}

const fail = (what: string): never => {
  throw new Error(`equivalence argument broken: ${what}`);
};

// ---- sites shared by the examples -------------------------------------------------------------------

/** The message-rate check: now + (N - 1) * I < tat. */
const rateCheck: Finder = (p) => {
  const s = riskCheck("message_rate")(p);
  const c = at(p, s, "cmp");
  if (!isState(p, handlerOf(p, "order").body, c.b, "rate_tat")) throw new SiteNotFound(`${p.name}: the rate check does not read rate_tat`);
  return s;
};

/** The GCRA interval I: tat' = clamp(max(now, tat) + I); the select keeps tat when the order is refused. */
const tatClamp: Finder = operandOf((p) => written(p, "order", "rate_tat"), "a");
const rateInterval = (p: IrProgram): bigint => {
  const body = handlerOf(p, "order").body;
  const add = body[at(p, tatClamp(p), "clamp").a];
  const i = add.op === "add" ? leafConst(body, add.b) : undefined;
  if (i === undefined) throw new SiteNotFound(`${p.name}: the rate_tat update is not max(now, tat) + I`);
  return i;
};
/** The tolerance (N - 1) * I, the constant added to now in the rate check. */
const rateTolerance: Finder = operandOf(rateCheck, "a");

/**
 * The fill's view of the new position, clamped to the declared range: the other clamp of the value the
 * register's wide clamp saturates (compiler/lower/position.ts). Dropping a bound hides a breach.
 */
const positionView: Finder = (p) => {
  const body = handlerOf(p, "fill").body;
  const wide = at(p, written(p, "fill", "position"), "clamp");
  const views = body.filter((ins) => ins.op === "clamp" && ins.a === wide.a && ins.id !== wide.id);
  if (views.length !== 1) throw new SiteNotFound(`${p.name}, on fill: ${views.length} views of the new position (want 1)`);
  return { event: "fill", id: views[0].id };
};

/** |order price - reference| > width, as width < |...|. */
const bandCheck = riskCheck("price_band");
const qtyTooLarge: Finder = (p) => {
  const s = riskCheck("order_qty")(p);
  const or = at(p, s, "or");
  return { event: "order", id: or.b };
};

/** log_return's ratio clamp, [15/16, 17/16] at its format (README: the numeric model). */
const ratioClamp = the(
  "book",
  "clamp to [15/16, 17/16]",
  (ins) => ins.op === "clamp" && ins.lo * 16n === 15n << BigInt(ins.frac) && ins.hi * 16n === 17n << BigInt(ins.frac),
);

/**
 * The interpolation fraction of a table read: x - (floor(x / 2^n) << n), clamped to [0, 2^n - 1]; the
 * step product reads it directly or, past 30 bits, through floor(f / 2^(n - 30)) (compiler/lower/calls.ts).
 */
const fractionClamp = (table: string) =>
  the("book", `interpolation fraction of ${table}`, (ins, body, p) => {
    if (ins.op !== "clamp") return false;
    return body.some((m) => m.op === "mul" && positionOf(body, m.b) === ins.id && readsTable(body, m.a, lutIndex(p, table)));
  });

/** The fraction a step product's position comes from: itself, or what a floor shift of it keeps. */
function positionOf(body: readonly Instr[], id: number): number {
  const f = body[id];
  return f.op === "shr" && f.round === "floor" ? f.a : id;
}

/** The interpolated value: clamp(lut[i] + round((lut[i+1] - lut[i]) * f / 2^n)) to the table's bounds. */
const interpolationClamp = (table: string) =>
  the("book", `interpolation of ${table}`, (ins, body, p) => {
    if (ins.op !== "clamp") return false;
    const add = body[ins.a];
    return add.op === "add" && body[add.a].op === "lut" && (body[add.a] as OpOf<"lut">).table === lutIndex(p, table);
  });

function readsTable(body: readonly Instr[], id: number, table: number): boolean {
  const s = body[id];
  return s.op === "sub" && [s.a, s.b].every((x) => body[x].op === "lut" && (body[x] as OpOf<"lut">).table === table);
}

const outputValue =
  (event: string, name: string): Finder =>
  (p) => {
    const slot = p.outputs.findIndex((o) => o.name === name);
    const o = handlerOf(p, event).outputs.find((x) => x.slot === slot);
    if (!o) throw new SiteNotFound(`${p.name}, on ${event}: no output '${name}'`);
    return { event, id: o.value };
  };

// ---- equivalence arguments --------------------------------------------------------------------------

/** x - 2^n * floor(x / 2^n) lies in [0, 2^n - 1] for every integer x: the clamp cannot bind. */
function fractionClampNeverBinds(table: string) {
  return (p: IrProgram) => {
    const body = handlerOf(p, "book").body;
    const c = at(p, fractionClamp(table)(p), "clamp");
    const sub = body[c.a];
    if (sub.op !== "sub") return fail("the fraction is not a sub");
    const shl = body[sub.b];
    if (shl.op !== "shl") return fail("the fraction does not subtract a shl");
    const shr = body[shl.a];
    if (shr.op !== "shr" || shr.round !== "floor" || shr.a !== sub.a || shr.n !== shl.n) return fail("not x - (floor(x / 2^n) << n)");
    if (c.lo !== 0n || c.hi !== (1n << BigInt(shr.n)) - 1n) return fail(`the clamp is [${c.lo}, ${c.hi}], not [0, 2^${shr.n} - 1]`);
  };
}

/**
 * lut[i] + round((lut[i+1] - lut[i]) * f / 2^n) with 0 <= f < 2^n lies between lut[i] and lut[i+1]:
 * the exact product lies between 0 and the step, both integers, so any rounding of it does too; every
 * entry is within the clamp's bounds.
 */
function interpolationWithinTable(table: string) {
  return (p: IrProgram) => {
    const body = handlerOf(p, "book").body;
    const c = at(p, interpolationClamp(table)(p), "clamp");
    const add = body[c.a];
    if (add.op !== "add") return fail("not an add");
    const [lo, mul] = [body[add.a], body[add.b]];
    if (lo.op !== "lut" || mul.op !== "mul") return fail("not lut[i] + round(step * f / 2^n)");
    const step = body[mul.a];
    const f = body[mul.b];
    if (step.op !== "sub" || step.b !== lo.id) return fail("the step is not lut[i+1] - lut[i]");
    const hi = body[step.a];
    if (hi.op !== "lut" || hi.table !== lo.table) return fail("the step does not read the same table");
    const next = body[hi.index];
    if (next.op !== "add" || next.a !== lo.index || leafConst(body, next.b) !== 1n) return fail("the second read is not at i + 1");
    if (f.range.lo < 0n || f.range.hi >= 1n << BigInt(mul.shift))
      return fail(`the fraction's proven range [${f.range.lo}, ${f.range.hi}] is not within [0, 2^${mul.shift})`);
    const values = p.luts[lo.table].values;
    if (values.some((v) => v < c.lo || v > c.hi)) return fail("a table entry lies outside the clamp");
  };
}

/**
 * tat' = max(now, tat) + I is at least I > 0 (the proven interval says so), and by induction at most
 * TIME_MAX + I: now <= TIME_MAX on every accepted event and tat starts at 0. The clamp's bounds hold it.
 */
function tatClampNeverBinds(bound: "lo" | "hi") {
  return (p: IrProgram) => {
    const body = handlerOf(p, "order").body;
    const c = at(p, tatClamp(p), "clamp");
    const sum = body[c.a];
    const interval = rateInterval(p);
    if (bound === "lo" && sum.range.lo < c.lo)
      return fail(`max(now, tat) + I has proven range [${sum.range.lo}, ...], below the clamp's ${c.lo}`);
    if (bound === "hi") {
      const now = handlerOf(p, "order").inputs.find((x) => x.field === "t")!;
      if (now.range.hi !== TIME_MAX) return fail("the session clock is not limited to TIME_MAX");
      if (p.state[stateSlot(p, "rate_tat")].init !== 0n) return fail("tat does not start at 0");
      if (TIME_MAX + interval > c.hi) return fail(`TIME_MAX + I = ${TIME_MAX + interval} exceeds the clamp's ${c.hi}`);
    }
  };
}

/**
 * Every read of the derived parameter r = -max_pos * 2^F compares x <= r with x = (integer) << F: x and r
 * are multiples of 2^F >= 2, so x <= r + 1 exactly when x <= r.
 */
function multiplesOfTheLsb(text: string) {
  return (p: IrProgram) => {
    const slot = derivedSlot(p, text);
    const d = p.derived[slot - p.params.length];
    if (d.expr.kind !== "unary" || d.expr.op !== "neg" || d.expr.a.kind !== "param" || p.params[d.expr.a.slot].frac !== 0)
      return fail(`${text} is not the negation of an integer parameter`);
    if (d.frac < 1) return fail(`${text} has no fraction bits`);
    for (const h of p.handlers)
      for (const ins of h.body) {
        if (ins.op !== "param" || ins.slot !== slot) continue;
        for (const u of h.body.filter((x) => x.op !== "param" && Object.values(x).includes(ins.id))) {
          const x = u.op === "cmp" ? h.body[u.a] : undefined;
          if (u.op !== "cmp" || u.pred !== "le" || u.b !== ins.id || x?.op !== "shl" || x.n !== d.frac || h.body[x.a].frac !== 0)
            return fail(`on ${h.event}, #${u.id} uses ${text} other than as (integer << ${d.frac}) <= it`);
        }
      }
  };
}

/**
 * The ratio clamp's upper bound binds only for ratio >= 17/16, where the (increasing) ln table gives at
 * least its entry at 17/16. The log return is seen only through its square, saturated: that entry, scaled
 * and squared as the program does, is already above the saturation bound.
 */
function squareSaturatesAboveRatioClamp(p: IrProgram): void {
  const h = handlerOf(p, "book");
  const only = (id: number, op: Instr["op"]): Instr => {
    const users = usersOf(h, id);
    if (users.length !== 1 || users[0].op !== op || [...h.writes, ...h.outputs].some((x) => x.value === id))
      return fail(`#${id} is used other than by one ${op}`);
    return users[0];
  };
  const c = at(p, ratioClamp(p), "clamp");
  const sub = only(c.id, "sub");
  const offset = sub.op === "sub" ? leafConst(h.body, sub.b) : undefined;
  const idx = usersOf(h, sub.id).find((u) => u.op === "shr") ?? fail("no table index");
  if (offset === undefined || idx.op !== "shr" || idx.round !== "floor") return fail("the table index is not floor((ratio - lo) / 2^n)");
  const step = 1n << BigInt(idx.n);
  if ((c.hi - offset) % step !== 0n) return fail("17/16 is not a table knot");
  const values = p.luts[lutIndex(p, "ln_0")].values;
  if (values.some((v, i) => i > 0 && v < values[i - 1])) return fail("the ln table is not increasing");
  const atHi = values[Number((c.hi - offset) / step)];
  const sel = only(interpolationClamp("ln_0")(p).id, "select");
  if (sel.id !== logReturnSelect(p).id) return fail("the interpolation does not go to the first-event select");
  const scale = only(sel.id, "mul");
  const k = scale.op === "mul" ? leafConst(h.body, scale.b) : undefined;
  const round = only(scale.id, "shr");
  const sq = only(round.id, "mul");
  const sat = only(sq.id, "clamp");
  if (
    k === undefined ||
    scale.op !== "mul" ||
    scale.shift !== 0 ||
    round.op !== "shr" ||
    sq.op !== "mul" ||
    sq.a !== sq.b ||
    sat.op !== "clamp"
  )
    return fail("the log return is not scaled, rounded, squared and saturated");
  const r = roundDiv(atHi * k, 1n << BigInt(round.n), round.round);
  if (atHi < 0n || roundDiv(r * r, 1n << BigInt(sq.shift), sq.round) <= sat.hi) return fail("the square at 17/16 does not saturate");
}

/**
 * The facts of an ewma update s' = clamp(s + step) that both clamp arguments rest on, checked on the
 * program (compiler/lower/primitives.ts, lowerEwma and wideProduct): d = x - s splits exactly into
 * hi = floor(d / 2^k) and lo = d - hi * 2^k; each of hi * c and lo * c is rounded to nearest (half-even)
 * at the state's format plus g guard bits, so their sum P is within 1 of the exact E = d * c * 2^g; the
 * step rounds P / 2^g once; 0 <= c < 1; and this is the only write of s.
 */
function ewmaUpdate(p: IrProgram, stateName: string) {
  const body = handlerOf(p, "book").body;
  const c = at(p, written(p, "book", stateName), "clamp");
  const slot = stateSlot(p, stateName);
  const writers = p.handlers.filter((h) => h.writes.some((w) => w.slot === slot));
  if (writers.length !== 1) return fail(`${stateName} is written in ${writers.length} handlers (want 1)`);
  const add = body[c.a];
  if (add.op !== "add" || !isState(p, body, add.a, stateName)) return fail("not s + step");
  const s = body[add.a];
  const step = body[add.b];
  const sum = step.op === "shr" ? body[step.a] : step;
  const guard = step.op === "shr" ? step.n : 0;
  if (sum.op !== "add" || sum.frac !== s.frac + guard || step.frac !== s.frac) return fail("the step is not one rounding of a sum at the state's format plus guard bits");
  const [p1, p2] = [body[sum.a], body[sum.b]];
  if (p1.op !== "mul" || p2.op !== "mul" || p1.b !== p2.b) return fail("the sum is not hi * c + lo * c");
  for (const m of [p1, p2]) {
    if (m.round !== "half_even") return fail(`#${m.id} rounds ${m.round}, not to nearest: the sum could be off by more than 1`);
    if (body[m.a].frac + body[m.b].frac - m.shift !== sum.frac) return fail(`#${m.id} is not at the sum's format`);
  }
  const [hi, lo] = [body[p1.a], body[p2.a]];
  const diff = hi.op === "shr" ? body[hi.a] : undefined;
  if (hi.op !== "shr" || hi.round !== "floor" || diff?.op !== "sub" || diff.b !== s.id || diff.frac !== s.frac) return fail("hi is not floor((x - s) / 2^k)");
  const rest = lo.op === "clamp" && lo.lo === 0n && lo.hi === (1n << BigInt(hi.n)) - 1n ? body[lo.a] : lo;
  const back = rest.op === "sub" ? body[rest.b] : undefined;
  if (rest.op !== "sub" || rest.a !== diff.id || back?.op !== "shl" || back.a !== hi.id || back.n !== hi.n) return fail("lo is not (x - s) - (hi << k)");
  const coef = body[p1.b];
  if (coef.op !== "param" || coef.range.lo < 0n || coef.range.hi >= 1n << BigInt(coef.frac)) return fail("the coefficient is not within [0, 1)");
  return { clamp: c, x: body[diff.a], init: p.state[slot].init };
}

/**
 * The lower clamp of an average of a non-negative input never binds. With s >= 0 (by induction: s starts
 * at 0 or above and is written only here), x >= 0 gives d >= -s, so E >= -s * c * 2^g > -s * 2^g when
 * s > 0 (c < 1); P >= E - 1 is an integer, hence P >= -s * 2^g, and the step, a rounding of P / 2^g, is
 * >= -s: s + step >= 0. When s = 0, d = x >= 0 and every term is >= 0.
 */
function ewmaStaysNonNegative(stateName: string) {
  return (p: IrProgram) => {
    const u = ewmaUpdate(p, stateName);
    if (u.x.range.lo < 0n) return fail(`the averaged input can be negative (proven range from ${u.x.range.lo})`);
    if (u.init < 0n || u.clamp.hi < 0n) return fail("the average starts below 0, or its upper bound is");
  };
}

/**
 * The upper clamp never binds when x and s stay within it. For d > 0, E < d * 2^g (c < 1), so the integer
 * P <= E + 1 is at most d * 2^g and the step at most d: s' <= x. For d < 0, E < 0 and P <= 0: s' <= s.
 * For d = 0 every term is 0.
 */
function ewmaStaysBelow(stateName: string) {
  return (p: IrProgram) => {
    const u = ewmaUpdate(p, stateName);
    if (u.x.range.hi > u.clamp.hi || u.init > u.clamp.hi) return fail("x or the start of s can exceed the clamp");
  };
}

// ---- the catalogue ----------------------------------------------------------------------------------

const A = "avellaneda" as const;
const G = "glft" as const;
const R = "grid" as const;

const isDerived = (p: IrProgram, body: readonly Instr[], id: number, text: string) => {
  const x = body[id];
  return x.op === "param" && x.slot === derivedSlot(p, text);
};
const prevState = (p: IrProgram, body: readonly Instr[], id: number) => {
  const x = body[id];
  return x.op === "state" && p.state[x.slot].name.startsWith("prev");
};
/** log_return's first-event guard: previous == 0 gives 0. */
const logReturnGuard = the(
  "book",
  "cmp eq(previous x, 0) of log_return",
  (ins, body, p) => ins.op === "cmp" && ins.pred === "eq" && prevState(p, body, ins.a) && leafConst(body, ins.b) === 0n,
);
const logReturnSelect = the(
  "book",
  "select(previous == 0, 0, ln(ratio))",
  (ins, _body, p) => ins.op === "select" && ins.cond === logReturnGuard(p).id,
);

const AS_HALF = "(2 / gamma) * ln(1 + gamma / kappa)";
const EWMA_COEF = "1 - 2^(-1/vol_hl)";
const C1 = "1 / (xi * delta) * ln(1 + xi * delta / k)";
const C2 = "min(sqrt(gamma / (2 * A * delta * k) * pow(1 + xi * delta / k, k / (xi * delta) + 1)), 512)";

export const IR_MUTANTS: readonly IrMutant[] = [
  // avellaneda: the risk gateway
  {
    name: "rate limiter disabled (the check never fails)",
    example: A,
    cls: "rate limiter disabled",
    site: "order: cmp now + (N-1)*I < rate_tat",
    mutate: neverTrue(rateCheck),
  },
  {
    name: "rate limiter: tat never advances (write dropped)",
    example: A,
    cls: "rate limiter disabled",
    site: "order: write of rate_tat",
    mutate: dropWrite("order", "rate_tat"),
  },
  {
    name: "rate limiter burst one token short ((N-2)*I)",
    example: A,
    cls: "rate limiter burst one token short",
    site: "order: the tolerance constant in the rate check",
    mutate: constOperand(rateTolerance, "b", (p) => -rateInterval(p)),
  },
  {
    name: "rate limiter compare flipped (< becomes <=)",
    example: A,
    cls: "rate limiter compare flipped",
    site: "order: cmp now + (N-1)*I < rate_tat",
    mutate: setPred(rateCheck, "le"),
  },
  {
    name: "price band width +1 tick",
    example: A,
    cls: "price band width +-1",
    site: "order: the width in cmp width < |price - reference|",
    mutate: constOperand(bandCheck, "a", 1n),
  },
  {
    name: "price band width -1 tick",
    example: A,
    cls: "price band width +-1",
    site: "order: the width in cmp width < |price - reference|",
    mutate: constOperand(bandCheck, "a", -1n),
  },
  {
    name: "price band > written >=",
    example: A,
    cls: "price band > written >=",
    site: "order: cmp width < |price - reference|",
    mutate: setPred(bandCheck, "le"),
  },
  {
    name: "notional cap 1 low",
    example: A,
    cls: "constant +-1",
    site: "order: the cap in cmp cap < qty * price",
    mutate: constOperand(riskCheck("notional"), "a", -1n),
  },
  {
    name: "max_position > written >=",
    example: A,
    cls: "comparison predicate",
    site: "order: cmp max_position < |position + side * qty|",
    mutate: setPred(riskCheck("position"), "le"),
  },
  {
    name: "max_order_qty > written >=",
    example: A,
    cls: "comparison predicate",
    site: "order: cmp max_order_qty < qty",
    mutate: setPred(qtyTooLarge, "le"),
  },
  {
    name: "rate_tat clamp: lower bound dropped",
    example: A,
    cls: "dropped clamp bound",
    site: "order: clamp(max(now, tat) + I, 0, 2^51)",
    mutate: clampBound(tatClamp, "lo", "drop"),
    equivalent: {
      argument: "max(now, tat) + I >= I > 0: the proven interval of the clamped value starts above the bound",
      check: tatClampNeverBinds("lo"),
    },
  },
  {
    name: "rate_tat clamp: upper bound dropped",
    example: A,
    cls: "dropped clamp bound",
    site: "order: clamp(max(now, tat) + I, 0, 2^51)",
    mutate: clampBound(tatClamp, "hi", "drop"),
    equivalent: {
      argument: "by induction tat <= TIME_MAX + I < 2^51: now <= TIME_MAX on every accepted event and tat starts at 0",
      check: tatClampNeverBinds("hi"),
    },
  },
  {
    name: "guard: order side check dropped",
    example: A,
    cls: "guard weakened",
    site: "order: guard check |side| == 1",
    mutate: weakenGuard("order", "c"),
  },
  // avellaneda: the strategy
  {
    name: "ln table entry +1 LSB (middle of the live zone)",
    example: A,
    cls: "table entry +1 LSB (live zone)",
    site: "ln_0[middle of the index's proven interval]",
    mutate: lutEntry(
      (p) => lutIndex(p, "ln_0"),
      liveMiddle((p) => lutIndex(p, "ln_0")),
      1n,
    ),
  },
  {
    name: "log-return ratio clamp: 17/16 bound 1 LSB high",
    example: A,
    cls: "log-return guard/clamp constant",
    site: "book: clamp(ratio, 15/16, 17/16)",
    mutate: clampBound(ratioClamp, "hi", 1n),
    equivalent: {
      argument:
        "the bound binds only for ratio >= 17/16, where the log return is at least ln(17/16) (606 bp): its square, the only way it is seen, saturates at 128 bp^2 either way",
      check: squareSaturatesAboveRatioClamp,
    },
  },
  {
    name: "log-return ratio clamp: 15/16 bound 1 LSB low",
    example: A,
    cls: "log-return guard/clamp constant",
    site: "book: clamp(ratio, 15/16, 17/16)",
    mutate: clampBound(ratioClamp, "lo", -1n),
  },
  {
    name: "log-return first-event guard compares with 1",
    example: A,
    cls: "log-return guard/clamp constant",
    site: "book: cmp previous == 0 of log_return",
    mutate: constOperand(logReturnGuard, "b", 1n),
  },
  {
    name: "log-return first-event select arms swapped",
    example: A,
    cls: "select arms swapped",
    site: "book: select(previous == 0, 0, ln(ratio))",
    mutate: swapSelectArms(logReturnSelect),
  },
  {
    name: `derived ${AS_HALF} 1 LSB high`,
    example: A,
    cls: "derived parameter 1 LSB high",
    site: `every read of ${AS_HALF}`,
    mutate: paramPlusLsb((p) => derivedSlot(p, AS_HALF)),
  },
  {
    name: `derived ewma coefficient ${EWMA_COEF} 1 LSB high`,
    example: A,
    cls: "derived parameter 1 LSB high",
    site: `every read of ${EWMA_COEF}`,
    mutate: paramPlusLsb((p) => derivedSlot(p, EWMA_COEF)),
  },
  {
    name: "tau rounding half-even becomes floor",
    example: A,
    cls: "rounding mode",
    site: "book: shr of seconds(remaining(horizon)) (the div by 10^9)",
    mutate: setRounding(
      the(
        "book",
        "shr(div(_, 10^9))",
        (ins, body) => ins.op === "shr" && body[ins.a].op === "div" && leafConst(body, (body[ins.a] as OpOf<"div">).b) === 1_000_000_000n,
      ),
      "floor",
    ),
  },
  {
    name: "var_ticks product floor becomes ceil",
    example: A,
    cls: "rounding mode",
    site: "book: mul(s2, m) with s2 = precision(new sigma2_bp, 32)",
    mutate: setRounding(
      the("book", "mul(precision(new sigma2_bp, 32), m)", (ins, body, p) => {
        const s2 = ins.op === "mul" ? body[ins.a] : undefined;
        return s2?.op === "shr" && s2.a === written(p, "book", "sigma2_bp").id;
      }),
      "ceil",
    ),
  },
  {
    name: "m = precision(mid / 10000, 8): shift one too far",
    example: A,
    cls: "shift amount +-1",
    site: "book: shr(div(mid, 10000))",
    mutate: shiftBy(
      the(
        "book",
        "shr(div(_, 10000))",
        (ins, body) => ins.op === "shr" && body[ins.a].op === "div" && leafConst(body, (body[ins.a] as OpOf<"div">).b) === 10_000n,
      ),
      1,
    ),
  },
  {
    name: "ewma difference x - s swapped",
    example: A,
    cls: "swapped operands",
    site: "book: sub(x, sigma2_bp)",
    mutate: swapOperands(
      the("book", "sub(x, state sigma2_bp)", (ins, body, p) => ins.op === "sub" && isState(p, body, ins.b, "sigma2_bp")),
    ),
  },
  {
    name: "sigma2_bp never updated (write dropped)",
    example: A,
    cls: "dropped state write",
    site: "book: write of sigma2_bp",
    mutate: dropWrite("book", "sigma2_bp"),
  },
  {
    name: "squared return saturation (128 bp^2) dropped",
    example: A,
    cls: "dropped clamp bound",
    site: "book: clamp(sq(r), 0, 128)",
    mutate: clampBound(
      the(
        "book",
        "clamp(sq(x))",
        (ins, body) => ins.op === "clamp" && body[ins.a].op === "mul" && (body[ins.a] as OpOf<"mul">).a === (body[ins.a] as OpOf<"mul">).b,
      ),
      "hi",
      "drop",
    ),
  },
  {
    name: "ewma clamp: lower bound dropped",
    example: A,
    cls: "dropped clamp bound",
    site: "book: clamp of the new sigma2_bp",
    mutate: clampBound((p) => written(p, "book", "sigma2_bp"), "lo", "drop"),
    equivalent: {
      argument:
        "the average of a non-negative input never steps below 0: the step's two products round to nearest, so their sum is within 1 of the exact (x - s) * c >= -s * c > -s (c < 1) in its units, an integer, hence >= -s, and so is the step that rounds it once",
      check: ewmaStaysNonNegative("sigma2_bp"),
    },
  },
  {
    name: "ln interpolation fraction clamp: upper bound dropped",
    example: A,
    cls: "dropped clamp bound",
    site: "book: clamp(x - (floor(x / 2^n) << n), 0, 2^n - 1), kept to 30 bits by the step product",
    mutate: clampBound(fractionClamp("ln_0"), "hi", "drop"),
    equivalent: { argument: "x - 2^n * floor(x / 2^n) is in [0, 2^n - 1] for every integer x", check: fractionClampNeverBinds("ln_0") },
  },
  {
    name: "ln interpolation clamp: lower bound dropped",
    example: A,
    cls: "dropped clamp bound",
    site: "book: clamp(lut[i] + half_even((lut[i+1] - lut[i]) * f / 2^30)) to the table's bounds",
    mutate: clampBound(interpolationClamp("ln_0"), "lo", "drop"),
    equivalent: {
      argument:
        "the interpolation lies between two adjacent entries (the step times a position in [0, 1), rounded, stays between 0 and the step, both integers), and every entry is within the bounds",
      check: interpolationWithinTable("ln_0"),
    },
  },
  {
    name: "guard: book bid_qty range check dropped",
    example: A,
    cls: "guard weakened",
    site: "book: guard check clamp(bid_qty) == bid_qty",
    mutate: weakenGuard("book", "b"),
  },

  // glft
  {
    name: "sqrt table [0, 1] entry +1 LSB (middle of the live zone)",
    example: G,
    cls: "table entry +1 LSB (live zone)",
    site: "sqrt_0[middle of the index's proven interval]",
    mutate: lutEntry(
      (p) => lutIndex(p, "sqrt_0"),
      liveMiddle((p) => lutIndex(p, "sqrt_0")),
      1n,
    ),
    equivalent: {
      argument:
        "the reads of the table reach the rest only through precision(sqrt(min(v, 1)) + sqrt(max(v, 1)) - 1, 16), which depends on v alone; for every v that reads the entry (each index is monotone in v) it rounds the sum to the same value with the entry one LSB higher (the sum moves by at most 2^-32 and is never within it of a 2^-17 rounding boundary)",
      check: (p) => entryAbsorbed(p, lutIndex(p, "sqrt_0"), liveMiddle((q) => lutIndex(q, "sqrt_0"))(p), fail),
    },
  },
  {
    name: "sqrt table [1, 64] entry +1 LSB (middle of the live zone)",
    example: G,
    cls: "table entry +1 LSB (live zone)",
    site: "sqrt_1[middle of the index's proven interval]",
    mutate: lutEntry(
      (p) => lutIndex(p, "sqrt_1"),
      liveMiddle((p) => lutIndex(p, "sqrt_1")),
      1n,
    ),
    equivalent: {
      argument:
        "the reads of the table reach the rest only through precision(sqrt(min(v, 1)) + sqrt(max(v, 1)) - 1, 16), which depends on v alone; for every v that reads the entry (each index is monotone in v) it rounds the sum to the same value with the entry one LSB higher (the sum moves by at most 2^-32 and is never within it of a 2^-17 rounding boundary)",
      check: (p) => entryAbsorbed(p, lutIndex(p, "sqrt_1"), liveMiddle((q) => lutIndex(q, "sqrt_1"))(p), fail),
    },
  },
  {
    name: "derived c1 1 LSB high",
    example: G,
    cls: "derived parameter 1 LSB high",
    site: `every read of ${C1}`,
    mutate: paramPlusLsb((p) => derivedSlot(p, C1)),
  },
  {
    name: "derived c2 1 LSB high",
    example: G,
    cls: "derived parameter 1 LSB high",
    site: "every read of c2 = min(sqrt(...), 512)",
    mutate: paramPlusLsb((p) => derivedSlot(p, C2)),
  },
  {
    name: "derived delta / 2 * c2 1 LSB high",
    example: G,
    cls: "derived parameter 1 LSB high",
    site: "every read of delta / 2 * c2",
    mutate: paramPlusLsb((p) => derivedSlot(p, "delta / 2 * c2")),
  },
  {
    name: "derived -max_pos 1 LSB high",
    example: G,
    cls: "derived parameter 1 LSB high",
    site: "every read of -max_pos (position <= -max_pos)",
    mutate: paramPlusLsb((p) => derivedSlot(p, "-max_pos")),
    equivalent: {
      argument: "both sides of (position << F) <= -max_pos * 2^F are multiples of 2^F, so adding 1 to the right changes no outcome",
      check: multiplesOfTheLsb("-max_pos"),
    },
  },
  {
    name: "position >= max_pos written >",
    example: G,
    cls: "comparison predicate",
    site: "book: cmp max_pos <= position",
    mutate: setPred(
      the(
        "book",
        "cmp max_pos <= position",
        (ins, body, p) => ins.op === "cmp" && isParam(p, body, ins.a, "max_pos") && isState(p, body, ins.b, "position"),
      ),
      "lt",
    ),
  },
  {
    name: "half_spread rounding half-even becomes floor",
    example: G,
    cls: "rounding mode",
    site: "book: shr(c1 + delta / 2 * c2 * sigma)",
    mutate: setRounding(
      the(
        "book",
        "shr(add(c1, _))",
        (ins, body, p) => ins.op === "shr" && body[ins.a].op === "add" && isDerived(p, body, (body[ins.a] as OpOf<"add">).a, C1),
      ),
      "floor",
    ),
  },
  {
    name: "v = precision(var_mid, 16): shift one short",
    example: G,
    cls: "shift amount +-1",
    site: "book: shr(new var_mid)",
    mutate: shiftBy(
      the("book", "shr(new var_mid)", (ins, _b, p) => ins.op === "shr" && ins.a === written(p, "book", "var_mid").id),
      -1,
    ),
  },
  {
    name: "bid_qty select arms swapped",
    example: G,
    cls: "select arms swapped",
    site: "book: the value of quote_bid_qty",
    mutate: swapSelectArms(outputValue("book", "quote_bid_qty")),
  },
  {
    name: "sqrt [1, 64] interpolation step lut[i+1] - lut[i] swapped",
    example: G,
    cls: "swapped operands",
    site: "book: sub(lut[i+1], lut[i]) of sqrt_1",
    mutate: swapOperands(
      the("book", "sub(lut sqrt_1, lut sqrt_1)", (ins, body, p) => ins.op === "sub" && readsTable(body, ins.id, lutIndex(p, "sqrt_1"))),
    ),
  },
  {
    name: "prev_mid never updated (write dropped)",
    example: G,
    cls: "dropped state write",
    site: "book: write of prev_mid",
    mutate: dropWrite("book", "prev_mid"),
  },
  {
    name: "var_mid ewma clamp: upper bound dropped",
    example: G,
    cls: "dropped clamp bound",
    site: "book: clamp of the new var_mid",
    mutate: clampBound((p) => written(p, "book", "var_mid"), "hi", "drop"),
    equivalent: {
      argument:
        "an ewma step moves s toward x by at most x - s: its two products round to nearest, so their sum is within 1 of the exact (x - s) * c, an integer on the near side of x - s (c < 1); x and s are within the bound",
      check: ewmaStaysBelow("var_mid"),
    },
  },
  {
    name: "sqrt [1, 64] interpolation fraction: shl one short",
    example: G,
    cls: "shift amount +-1",
    site: "book: shl(floor(x / 2^n), n) of sqrt_1",
    mutate: shiftBy(operandOf(operandOf(fractionClamp("sqrt_1"), "a"), "b"), -1),
  },
  {
    name: "price band > written >=",
    example: G,
    cls: "price band > written >=",
    site: "order: cmp width < |price - reference|",
    mutate: setPred(bandCheck, "le"),
  },
  {
    name: "rate limiter burst one token short ((N-2)*I)",
    example: G,
    cls: "rate limiter burst one token short",
    site: "order: the tolerance constant in the rate check",
    mutate: constOperand(rateTolerance, "b", (p) => -rateInterval(p)),
  },
  {
    name: "notional > written >=",
    example: G,
    cls: "comparison predicate",
    site: "order: cmp cap < qty * price",
    mutate: setPred(riskCheck("notional"), "le"),
  },
  {
    name: "guard: trade price range check dropped",
    example: G,
    cls: "guard weakened",
    site: "trade: guard check clamp(price) == price",
    mutate: weakenGuard("trade", "a"),
  },

  // grid
  {
    name: "derived grid offset (level 0) 1 LSB high",
    example: R,
    cls: "derived parameter 1 LSB high",
    site: "every read of grid_step * (1 + level) [level = 0]",
    mutate: paramPlusLsb((p) => derivedSlot(p, "grid_step * (1 + level) [level = 0]")),
  },
  {
    name: "derived -max_pos 1 LSB high",
    example: R,
    cls: "derived parameter 1 LSB high",
    site: "every read of -max_pos (position - order_qty < -max_pos)",
    mutate: paramPlusLsb((p) => derivedSlot(p, "-max_pos [level = 0]")),
  },
  {
    name: "position + order_qty > max_pos written >=",
    example: R,
    cls: "comparison predicate",
    site: "book: cmp max_pos < position + order_qty",
    mutate: setPred(
      the(
        "book",
        "cmp max_pos < position + order_qty",
        (ins, body, p) => ins.op === "cmp" && isParam(p, body, ins.a, "max_pos") && body[ins.b].op === "add",
      ),
      "le",
    ),
  },
  {
    name: "position - order_qty < -max_pos operands swapped",
    example: R,
    cls: "comparison operands swapped",
    site: "book: cmp (position - order_qty) < -max_pos",
    mutate: swapCmpOperands(
      the("book", "cmp _ < -max_pos", (ins, body, p) => ins.op === "cmp" && isDerived(p, body, ins.b, "-max_pos [level = 0]")),
    ),
  },
  {
    name: "skew rounding half-even becomes floor",
    example: R,
    cls: "rounding mode",
    site: "book: shr(skew_per_lot * position)",
    mutate: setRounding(
      the(
        "book",
        "shr(mul(skew_per_lot, position))",
        (ins, body, p) => ins.op === "shr" && body[ins.a].op === "mul" && isParam(p, body, (body[ins.a] as OpOf<"mul">).a, "skew_per_lot"),
      ),
      "floor",
    ),
  },
  {
    name: "level 3 ask ceil becomes floor",
    example: R,
    cls: "rounding mode",
    site: "book: shr ceil(mid + offset_3 - skew)",
    mutate: setRounding(
      the("book", "shr ceil(sub(add(_, offset_3), _))", (ins, body, p) => {
        if (ins.op !== "shr" || ins.round !== "ceil" || body[ins.a].op !== "sub") return false;
        const add = body[(body[ins.a] as OpOf<"sub">).a];
        return add.op === "add" && isDerived(p, body, add.b, "grid_step * (1 + level) [level = 3]");
      }),
      "floor",
    ),
  },
  {
    name: "skew alignment shl one short",
    example: R,
    cls: "shift amount +-1",
    site: "book: shl(skew)",
    mutate: shiftBy(
      the(
        "book",
        "shl(shr(mul(skew_per_lot, position)))",
        (ins, body) => ins.op === "shl" && body[ins.a].op === "shr" && body[(body[ins.a] as OpOf<"shr">).a].op === "mul",
      ),
      -1,
    ),
  },
  {
    name: "ask_qty select arms swapped",
    example: R,
    cls: "select arms swapped",
    site: "book: the value of quote_ask_qty",
    mutate: swapSelectArms(outputValue("book", "quote_ask_qty")),
  },
  {
    name: "level 0 bid: mid - offset swapped",
    example: R,
    cls: "swapped operands",
    site: "book: sub(mid, offset_0)",
    mutate: swapOperands(
      the(
        "book",
        "sub(_, offset_0)",
        (ins, body, p) => ins.op === "sub" && isDerived(p, body, ins.b, "grid_step * (1 + level) [level = 0]"),
      ),
    ),
  },
  {
    name: "rate limiter disabled (the check never fails)",
    example: R,
    cls: "rate limiter disabled",
    site: "order: cmp now + (N-1)*I < rate_tat",
    mutate: neverTrue(rateCheck),
  },
  {
    name: "rate limiter compare flipped (< becomes <=)",
    example: R,
    cls: "rate limiter compare flipped",
    site: "order: cmp now + (N-1)*I < rate_tat",
    mutate: setPred(rateCheck, "le"),
  },
  {
    name: "price band width -1 tick",
    example: R,
    cls: "price band width +-1",
    site: "order: the width in cmp width < |price - reference|",
    mutate: constOperand(bandCheck, "a", -1n),
  },
  {
    name: "no-reference check: == written !=",
    example: R,
    cls: "comparison predicate",
    site: "order: cmp reference == 0",
    mutate: setPred(riskCheck("no_reference"), "ne"),
  },
  {
    name: "max_order_qty 1 high",
    example: R,
    cls: "constant +-1",
    site: "order: the limit in cmp max_order_qty < qty",
    mutate: constOperand(qtyTooLarge, "a", 1n),
  },
  {
    name: "kill switch never engages (write dropped)",
    example: R,
    cls: "dropped state write",
    site: "kill: write of kill_switch",
    mutate: dropWrite("kill", "kill_switch"),
  },
  {
    name: "last_trade never updated (write dropped)",
    example: R,
    cls: "dropped state write",
    site: "trade: write of last_trade",
    mutate: dropWrite("trade", "last_trade"),
  },
  {
    name: "position view on fills: lower bound dropped (a short breach goes unseen)",
    example: R,
    cls: "dropped clamp bound",
    site: "fill: clamp of the new position to its declared range (the breach detector)",
    mutate: clampBound(positionView, "lo", "drop"),
  },
  {
    name: "guard: order qty range check dropped",
    example: R,
    cls: "guard weakened",
    site: "order: guard check clamp(qty) == qty",
    mutate: weakenGuard("order", "b"),
  },
];
