import type { Handler, Instr, IrProgram } from "../../compiler/ir.js";
import { evaluate } from "../../compiler/interpret.js";
import { operands } from "../../compiler/dead-code.js";

/** Ops through which a value stays a non-decreasing function of its first operand (the others constant). */
const MONOTONE = new Set<Instr["op"]>(["min", "max", "add", "sub", "shr", "shl", "clamp"]);

/**
 * The equivalence argument of a table entry +1 LSB that no input can show, checked on the program:
 *   1. every read of the table flows into the rest of the handler only through one rounding R (the
 *      precision(..., n) of the interpolated values): nothing else reads what the reads feed, and no
 *      output or state write is among them;
 *   2. R depends on one argument X alone (its cone, cut at X, holds only constants), and each table
 *      index is a non-decreasing function of X, so the X that read the entry form one interval;
 *   3. for every X in that interval, R is the same with the entry one LSB higher.
 * Then no event can tell the mutant apart. Throws (through `fail`) when a fact does not hold.
 */
export function entryAbsorbed(p: IrProgram, table: number, entry: number, fail: (what: string) => never): void {
  const owners = p.handlers.filter((h) => h.body.some((ins) => ins.op === "lut" && ins.table === table));
  if (owners.length !== 1) return fail(`table ${table} is read in ${owners.length} handlers (want 1)`);
  const h = owners[0];
  const reads = h.body.filter((ins) => ins.op === "lut" && ins.table === table);
  const fed = forwardCone(h, reads.map((r) => r.id));
  const r = exitRounding(h, fed) ?? fail("the table's reads reach more than one rounding, or an output");
  const x = argumentOf(h, r, reads) ?? fail(`${r.loc}: the rounding depends on more than one argument`);
  for (const read of reads) if (read.op === "lut" && !monotoneIn(h, read.index, x)) fail(`${read.loc}: the index is not monotone in #${x}`);
  const bumped = { ...p, luts: p.luts.map((l, i) => (i === table ? { ...l, values: l.values.map((v, k) => (k === entry ? v + 1n : v)) } : l)) };
  // R's cone alone, with X set: whatever else comes before R becomes a constant 0
  const cone = backwardCone(h, r.id, x);
  const prefix = h.body.slice(0, r.id + 1).map((ins) => (cone[ins.id] && ins.id !== x ? ins : ({ ...ins, op: "const", value: 0n } as Instr)));
  const at = (v: bigint, program: IrProgram) => evaluate({ ...h, body: prefix.map((ins) => (ins.id === x ? ({ ...ins, op: "const", value: v } as Instr) : ins)) }, NO_INPUTS, [], [], program);
  const reads_ = (values: readonly bigint[]) => reads.some((rd) => rd.op === "lut" && values[rd.index] === BigInt(entry));
  const range = h.body[x].range;
  // the interval of X reading the entry: index(X) in {entry - 1, entry} (a read of lut[i] and of lut[i + 1])
  const first = bisect(range.lo, range.hi, (v) => reads.some((rd) => rd.op === "lut" && at(v, p)[rd.index] >= BigInt(entry) - 1n));
  const last = bisect(range.lo, range.hi, (v) => reads.every((rd) => rd.op === "lut" && at(v, p)[rd.index] > BigInt(entry))) - 1n;
  let seen = 0;
  for (let v = first; v <= last; v++) {
    const plain = at(v, p);
    if (!reads_(plain)) continue;
    seen++;
    if (at(v, bumped)[r.id] !== plain[r.id]) fail(`the argument ${v} shows entry ${entry} +1 in ${r.loc}`);
  }
  if (seen === 0) fail(`no argument in [${range.lo}, ${range.hi}] reads entry ${entry}`);
}

const NO_INPUTS = { t: 0n, a: 0n, b: 0n, c: 0n, d: 0n };

/** The instructions that depend on any of `roots`, the roots included. */
function forwardCone(h: Handler, roots: readonly number[]): Uint8Array {
  const cone = new Uint8Array(h.body.length);
  for (const r of roots) cone[r] = 1;
  for (const ins of h.body) if (!cone[ins.id] && operands(ins).some((o) => cone[o])) cone[ins.id] = 1;
  return cone;
}

/**
 * The rounding through which alone the cone reaches the rest: the first shr in it such that every
 * instruction of the cone before it is read only inside the cone (before it) or by it, and is neither
 * an output nor a state write.
 */
function exitRounding(h: Handler, cone: Uint8Array): Instr | undefined {
  const exported = new Set([...h.outputs, ...h.writes].map((w) => w.value));
  for (const r of h.body) {
    if (!cone[r.id] || r.op !== "shr") continue;
    const inner = h.body.filter((ins) => cone[ins.id] && ins.id < r.id);
    const closed = inner.every((ins) => !exported.has(ins.id) && h.body.every((u) => !operands(u).includes(ins.id) || u.id === r.id || (cone[u.id] && u.id < r.id)));
    if (closed) return r;
  }
  return undefined;
}

/** The instructions `root` depends on, not looking past `cut` (which is included). */
function backwardCone(h: Handler, root: number, cut: number): Uint8Array {
  const seen = new Uint8Array(h.body.length);
  const stack = [root];
  while (stack.length) {
    const i = stack.pop()!;
    if (seen[i]) continue;
    seen[i] = 1;
    if (i !== cut) stack.push(...operands(h.body[i]));
  }
  return seen;
}

/**
 * The latest instruction x before the table reads such that r's cone, cut at x, holds the reads and x
 * and no other leaves but constants.
 */
function argumentOf(h: Handler, r: Instr, reads: readonly Instr[]): number | undefined {
  for (let x = Math.min(...reads.map((rd) => rd.id)) - 1; x >= 0; x--) {
    const cone = backwardCone(h, r.id, x);
    if (!cone[x] || reads.some((rd) => !cone[rd.id])) continue;
    if (h.body.every((ins) => !cone[ins.id] || ins.id === x || ins.op === "const" || operands(ins).length > 0)) return x;
  }
  return undefined;
}

/** Whether `id` is a non-decreasing function of x: a chain of monotone ops on x, other operands constant. */
function monotoneIn(h: Handler, id: number, x: number): boolean {
  if (id === x) return true;
  const ins = h.body[id];
  if (ins.op === "const") return true;
  if (!MONOTONE.has(ins.op)) return false;
  const [a, ...rest] = operands(ins);
  return monotoneIn(h, a, x) && rest.every((o) => (ins.op === "sub" ? constantOnly(h, o) : monotoneIn(h, o, x)));
}

function constantOnly(h: Handler, id: number): boolean {
  const ins = h.body[id];
  return ins.op === "const" || (ins.op === "shl" && constantOnly(h, ins.a));
}

/** The least v in [lo, hi + 1] where `up` (monotone: false, then true) holds. */
function bisect(lo: bigint, hi: bigint, up: (v: bigint) => boolean): bigint {
  let [a, b] = [lo, hi + 1n];
  while (a < b) {
    const m = (a + b) / 2n;
    if (up(m)) b = m;
    else a = m + 1n;
  }
  return a;
}
