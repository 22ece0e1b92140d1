import { cone } from "../../compiler/dead-code.js";
import type { NumberObserver } from "../../compiler/closure-interpret.js";
import type { Handler, Instr, Interval, IrProgram } from "../../compiler/ir.js";

/**
 * What the reference did, per handler: both outcomes of every comparison, both inputs of every select,
 * each side of every clamp, every reject reason and every table entry read. An item counts as reachable
 * unless the proven intervals rule it out (a comparison its operands' intervals already decide, a
 * select whose condition is constant, a clamp bound the input's interval never crosses, a table entry
 * outside the index's interval); nothing else is excluded.
 *
 * Only events the handler accepts are counted, except for the instructions the guard itself depends on
 * (field range checks, time order): a rejected event shows nothing but its rejection, so a comparison
 * evaluated on it and not feeding the guard proves nothing about any target.
 */
export type CoverageTarget =
  | { readonly kind: "cmp" | "select"; readonly handler: number; readonly id: number; readonly outcome: 0 | 1 }
  | { readonly kind: "clamp"; readonly handler: number; readonly id: number; readonly side: ClampSide }
  | { readonly kind: "lut"; readonly handler: number; readonly table: number; readonly entry: number }
  | { readonly kind: "reason"; readonly handler: number; readonly id: number; readonly value: bigint };

export type ClampSide = 0 | 1 | 2;

/** Per handler, the items seen (Coverage.seen). */
export type CoverageSeen = readonly {
  readonly cmp: Uint8Array;
  readonly select: Uint8Array;
  readonly clamp: Uint8Array;
  readonly tables: readonly (readonly [number, Uint8Array])[];
  readonly reasons: readonly bigint[];
}[];
const CLAMP_SIDES = ["below", "inside", "above"] as const;

interface HandlerCoverage {
  readonly cmps: Instr[];
  readonly selects: Instr[];
  readonly clamps: Instr[];
  /** The clamps' bounds as doubles (the values observed are doubles). */
  readonly clampLo: Float64Array;
  readonly clampHi: Float64Array;
  readonly luts: Instr[];
  /** Bit o set: outcome o seen. */
  readonly cmpSeen: Uint8Array;
  readonly cmpReachable: Uint8Array;
  readonly selectSeen: Uint8Array;
  readonly selectReachable: Uint8Array;
  readonly clampSeen: Uint8Array;
  readonly clampReachable: Uint8Array;
  /** Per table used here: entries read, entries the index intervals reach. */
  readonly tableSeen: Map<number, Uint8Array>;
  readonly tableReachable: Map<number, Uint8Array>;
  /** The reason output, when the handler has one: its possible values and those seen. */
  readonly reason?: { readonly id: number; readonly possible: bigint[]; readonly seen: Set<bigint> };
  /** Instructions the guard depends on: counted on rejected events too. */
  readonly guardCone: Uint8Array;
}

export class Coverage implements NumberObserver {
  private readonly handlers: HandlerCoverage[];
  /** Items covered so far: grows whenever a stream reaches something new. */
  covered = 0;

  constructor(private readonly program: IrProgram) {
    this.handlers = program.handlers.map((h) => analyse(program, h));
  }

  observe(handler: number, v: Float64Array, accepted: boolean): void {
    const c = this.handlers[handler];
    const cone = c.guardCone;
    // plain loops: this runs on every event of every stream
    for (let k = 0; k < c.cmps.length; k++) {
      const ins = c.cmps[k];
      if (accepted || cone[ins.id] === 1) this.mark(c.cmpSeen, k, v[ins.id] === 0 ? 0 : 1);
    }
    for (let k = 0; k < c.selects.length; k++) {
      const ins = c.selects[k];
      if (accepted || cone[ins.id] === 1) this.mark(c.selectSeen, k, tookFirst(ins, v) ? 1 : 0);
    }
    for (let k = 0; k < c.clamps.length; k++) {
      const ins = c.clamps[k];
      if (ins.op !== "clamp" || !(accepted || cone[ins.id] === 1)) continue;
      const x = v[ins.a];
      this.mark(c.clampSeen, k, x < c.clampLo[k] ? 0 : x > c.clampHi[k] ? 2 : 1);
    }
    for (const ins of c.luts) {
      if (ins.op !== "lut" || !(accepted || cone[ins.id] === 1)) continue;
      const seen = c.tableSeen.get(ins.table)!;
      const i = v[ins.index];
      if (seen[i] === 0) {
        seen[i] = 1;
        this.covered++;
      }
    }
    if (c.reason && accepted && !c.reason.seen.has(BigInt(v[c.reason.id]))) {
      c.reason.seen.add(BigInt(v[c.reason.id]));
      this.covered++;
    }
  }

  /** What has been seen, as plain data: a worker thread's coverage, sent to the thread that merges it. */
  seen(): CoverageSeen {
    return this.handlers.map((c) => ({
      cmp: c.cmpSeen,
      select: c.selectSeen,
      clamp: c.clampSeen,
      tables: [...c.tableSeen].map(([t, seen]) => [t, seen] as const),
      reasons: c.reason ? [...c.reason.seen] : [],
    }));
  }

  /** Adds what another run of the same program saw. */
  merge(other: CoverageSeen): void {
    const or = (into: Uint8Array, from: Uint8Array) => from.forEach((bits, k) => (into[k] |= bits));
    other.forEach((o, h) => {
      const c = this.handlers[h];
      or(c.cmpSeen, o.cmp);
      or(c.selectSeen, o.select);
      or(c.clampSeen, o.clamp);
      for (const [t, seen] of o.tables) or(c.tableSeen.get(t)!, seen);
      for (const r of o.reasons) c.reason?.seen.add(r);
    });
    this.covered = totals(this.summary()).covered;
  }

  private mark(bits: Uint8Array, k: number, outcome: number): void {
    const bit = 1 << outcome;
    if ((bits[k] & bit) === 0) {
      bits[k] |= bit;
      this.covered++;
    }
  }

  /** Every reachable item not yet covered, in handler order. */
  uncovered(): CoverageTarget[] {
    const out: CoverageTarget[] = [];
    this.handlers.forEach((c, handler) => {
      const open = (seen: Uint8Array, reach: Uint8Array, k: number, o: number) => (reach[k] & (1 << o)) !== 0 && (seen[k] & (1 << o)) === 0;
      c.cmps.forEach((ins, k) => [0, 1].forEach((o) => open(c.cmpSeen, c.cmpReachable, k, o) && out.push({ kind: "cmp", handler, id: ins.id, outcome: o as 0 | 1 })));
      c.selects.forEach((ins, k) => [0, 1].forEach((o) => open(c.selectSeen, c.selectReachable, k, o) && out.push({ kind: "select", handler, id: ins.id, outcome: o as 0 | 1 })));
      c.clamps.forEach((ins, k) => [0, 1, 2].forEach((o) => open(c.clampSeen, c.clampReachable, k, o) && out.push({ kind: "clamp", handler, id: ins.id, side: o as ClampSide })));
      for (const [table, reach] of c.tableReachable) {
        const seen = c.tableSeen.get(table)!;
        reach.forEach((r, entry) => r && !seen[entry] && out.push({ kind: "lut", handler, table, entry }));
      }
      if (c.reason) for (const value of c.reason.possible) if (!c.reason.seen.has(value)) out.push({ kind: "reason", handler, id: c.reason.id, value });
    });
    return out;
  }

  /** Per handler: covered and reachable counts of each kind of item. */
  summary(): CoverageRow[] {
    return this.handlers.map((c, i) => ({
      handler: this.program.handlers[i].event,
      cmp: bitCounts(c.cmpSeen, c.cmpReachable, 2),
      select: bitCounts(c.selectSeen, c.selectReachable, 2),
      clamp: bitCounts(c.clampSeen, c.clampReachable, 3),
      reasons: c.reason ? { covered: c.reason.seen.size, total: c.reason.possible.length } : { covered: 0, total: 0 },
      tables: [...c.tableReachable].reduce(
        (acc, [t, reach]) => {
          const seen = c.tableSeen.get(t)!;
          reach.forEach((r, e) => {
            acc.total += r;
            acc.covered += r & seen[e];
          });
          return acc;
        },
        { covered: 0, total: 0 },
      ),
      excluded: bitCounts(c.cmpReachable, c.cmpReachable, 2, true).total + bitCounts(c.selectReachable, c.selectReachable, 2, true).total + bitCounts(c.clampReachable, c.clampReachable, 3, true).total,
    }));
  }

  /** Reasons seen in a handler (for the report), and the reachable items not covered, described. */
  missing(limit = 12): string[] {
    const order = ["reason", "cmp", "lut", "select", "clamp"];
    return this.uncovered()
      .sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind))
      .slice(0, limit)
      .map((t) => describeTarget(this.program, t));
  }
}

export interface Counts {
  covered: number;
  total: number;
}

export interface CoverageRow {
  readonly handler: string;
  readonly cmp: Counts;
  readonly select: Counts;
  readonly clamp: Counts;
  readonly reasons: Counts;
  readonly tables: Counts;
  /** Items left out of the totals: decided by the proven intervals. */
  readonly excluded: number;
}

/** Covered / reachable over `width` outcomes per item; with `unreachable`, counts the excluded outcomes. */
function bitCounts(seen: Uint8Array, reach: Uint8Array, width: number, unreachable = false): Counts {
  let covered = 0;
  let total = 0;
  reach.forEach((r, k) => {
    for (let o = 0; o < width; o++) {
      const reachable = (r & (1 << o)) !== 0;
      if (unreachable ? !reachable : reachable) total++;
      if (reachable && (seen[k] & (1 << o)) !== 0) covered++;
    }
  });
  return { covered, total };
}

export function describeTarget(program: IrProgram, t: CoverageTarget): string {
  const h = program.handlers[t.handler];
  switch (t.kind) {
    case "cmp":
      return `on ${h.event}: ${h.body[t.id].loc} comparison #${t.id} ${t.outcome ? "true" : "false"}`;
    case "select":
      return `on ${h.event}: ${h.body[t.id].loc} ${h.body[t.id].op} #${t.id} taking its ${t.outcome ? "first" : "second"} input`;
    case "clamp":
      return `on ${h.event}: ${h.body[t.id].loc} clamp #${t.id} ${CLAMP_SIDES[t.side]}`;
    case "lut":
      return `on ${h.event}: table ${program.luts[t.table].name} entry ${t.entry}`;
    case "reason":
      return `on ${h.event}: reject reason ${t.value}`;
    default: {
      const never: never = t;
      throw new Error(`unknown target ${JSON.stringify(never)}`);
    }
  }
}

/** Whether the proven intervals leave the comparison each outcome: bit 0 false, bit 1 true. */
export function cmpOutcomes(pred: "lt" | "le" | "eq" | "ne", a: Interval, b: Interval): number {
  const canTrue = { lt: a.lo < b.hi, le: a.lo <= b.hi, eq: a.lo <= b.hi && b.lo <= a.hi, ne: !(a.lo === a.hi && b.lo === b.hi && a.lo === b.lo) }[pred];
  const canFalse = { lt: a.hi >= b.lo, le: a.hi > b.lo, eq: !(a.lo === a.hi && b.lo === b.hi && a.lo === b.lo), ne: a.lo <= b.hi && b.lo <= a.hi }[pred];
  return (canFalse ? 1 : 0) | (canTrue ? 2 : 0);
}

function analyse(program: IrProgram, h: Handler): HandlerCoverage {
  const of = (op: Instr["op"]) => h.body.filter((i) => i.op === op);
  const [cmps, clamps, luts] = [of("cmp"), of("clamp"), of("lut")];
  const selects = h.body.filter((i) => i.op === "select" || i.op === "min" || i.op === "max");
  const r = (id: number) => h.body[id].range;
  const cmpReachable = Uint8Array.from(cmps, (i) => (i.op === "cmp" ? cmpOutcomes(i.pred, r(i.a), r(i.b)) : 0));
  const selectReachable = Uint8Array.from(selects, (i) => {
    if (i.op === "min" || i.op === "max") {
      const [a, b] = i.op === "min" ? [r(i.a), r(i.b)] : [r(i.b), r(i.a)];
      // min takes its first input when a <= b, its second when b < a (max: mirrored)
      return (b.lo < a.hi ? 1 : 0) | (a.lo <= b.hi ? 2 : 0);
    }
    if (i.op !== "select") return 0;
    const c = r(i.cond);
    return (c.lo <= 0n && c.hi >= 0n ? 1 : 0) | (c.lo !== 0n || c.hi !== 0n ? 2 : 0);
  });
  const guardCone = cone(h, h.guard);
  const clampReachable = Uint8Array.from(clamps, (i) => {
    if (i.op !== "clamp") return 0;
    const a = r(i.a);
    const inside = a.hi >= i.lo && a.lo <= i.hi ? 2 : 0;
    // a field's own clamp outside the guard's cone (a side, checked as |raw| = 1): the guard accepts
    // only values inside it, and only accepted events count
    if (h.body[i.a].op === "input" && !guardCone[i.id]) return inside;
    return (a.lo < i.lo ? 1 : 0) | inside | (a.hi > i.hi ? 4 : 0);
  });
  const tableSeen = new Map<number, Uint8Array>();
  const tableReachable = new Map<number, Uint8Array>();
  for (const ins of luts) {
    if (ins.op !== "lut") continue;
    const n = program.luts[ins.table].values.length;
    if (!tableReachable.has(ins.table)) {
      tableReachable.set(ins.table, new Uint8Array(n));
      tableSeen.set(ins.table, new Uint8Array(n));
    }
    const idx = r(ins.index);
    const reach = tableReachable.get(ins.table)!;
    for (let e = Math.max(0, Number(idx.lo)); e <= Math.min(n - 1, Number(idx.hi)); e++) reach[e] = 1;
  }
  const reasonOut = h.outputs.find((o) => program.outputs[o.slot].name === "reason");
  const reason = reasonOut && { id: reasonOut.value, possible: possibleValues(h, reasonOut.value), seen: new Set<bigint>() };
  return {
    cmps,
    selects,
    clamps,
    clampLo: Float64Array.from(clamps, (i) => (i.op === "clamp" ? Number(i.lo) : 0)),
    clampHi: Float64Array.from(clamps, (i) => (i.op === "clamp" ? Number(i.hi) : 0)),
    luts,
    cmpSeen: new Uint8Array(cmps.length),
    cmpReachable,
    selectSeen: new Uint8Array(selects.length),
    selectReachable,
    clampSeen: new Uint8Array(clamps.length),
    clampReachable,
    tableSeen,
    tableReachable,
    reason,
    guardCone,
  };
}

/** Whether a select, min or max took its first input. */
export function tookFirst(ins: Instr, v: ArrayLike<bigint> | ArrayLike<number>): boolean {
  if (ins.op === "select") return Number(v[ins.cond]) !== 0;
  if (ins.op === "min") return v[ins.a] <= v[ins.b];
  if (ins.op === "max") return v[ins.a] >= v[ins.b];
  return false;
}

/** The values a chain of selects over constants can take (the reason code is such a chain). */
function possibleValues(h: Handler, id: number): bigint[] {
  const out = new Set<bigint>();
  const walk = (i: number) => {
    const ins = h.body[i];
    if (ins.op === "const") out.add(ins.value);
    else if (ins.op === "select") {
      const c = h.body[ins.cond].range;
      if (c.lo !== 0n || c.hi !== 0n) walk(ins.a);
      if (c.lo <= 0n && c.hi >= 0n) walk(ins.b);
    } else for (let v = ins.range.lo; v <= ins.range.hi && v - ins.range.lo < 64n; v++) out.add(v);
  };
  walk(id);
  return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}


/** The coverage table printed by `lockstep test`, and how the totals were decided. */
export function renderCoverage(name: string, rows: readonly CoverageRow[]): string {
  const cell = (c: Counts) => (c.total ? `${c.covered}/${c.total}` : "-");
  const table = [["handler", "cmp outcomes", "select/min/max", "clamp sides", "reasons", "table entries", "excluded"]];
  for (const r of rows) table.push([r.handler, cell(r.cmp), cell(r.select), cell(r.clamp), cell(r.reasons), cell(r.tables), String(r.excluded)]);
  const all = totals(rows);
  table.push(["all", `${all.covered}/${all.total}`, "", "", "", "", `${percent(all).toFixed(1)} %`]);
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  const lines = table.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
  return `\n${name}: coverage of the reference (covered/reachable)\n${lines.join("\n")}\nreachable: every outcome the proven intervals of its operands allow (for a field's clamp outside the guard, only inside: the guard accepts nothing else); "excluded" counts the outcomes ruled out\n`;
}

export function totals(rows: readonly CoverageRow[]): Counts {
  const all = { covered: 0, total: 0 };
  for (const r of rows)
    for (const c of [r.cmp, r.select, r.clamp, r.reasons, r.tables]) {
      all.covered += c.covered;
      all.total += c.total;
    }
  return all;
}

export const percent = (c: Counts) => (c.total ? (100 * c.covered) / c.total : 100);
