import type { Handler, Instr, Interval, IrProgram, Rounding } from "../../compiler/ir.js";
import { EVENT_KIND_NAMES } from "../../runtime/event-tape.js";
import { conditionFlags } from "../../compiler/conditions.js";
import { operands } from "../../compiler/dead-code.js";
import { withModule, type Binaryen, type BinaryenModule, type BuiltModule } from "./binaryen-module.js";
import { addLoadParams } from "./emit-load-params.js";
import { memoryLayout, type MemoryLayout } from "./memory-layout.js";

type Expr = number;

const INPUT_INDEX = { t: 0, a: 1, b: 2, c: 3, d: 4 } as const;
/** Room to grow for batch buffers: 256 MiB (a million events and their outputs stay in memory). */
const MAX_PAGES = 4096;
const RECORD_BYTES = 48;
/** A handler's parameters: the five fields (f64), then where its outputs go (i32 byte offset). */
const OUTPUT_PTR = 5;
const FIRST_VALUE_LOCAL = 6;
/**
 * binaryen's optimizer sinks single-use locals into their uses, so a long chain of dependent values
 * becomes one expression tree as deep as the chain, and its binary writer recurses per level (a chain
 * of ~800 rounded products overflows the stack). A value this many levels up a chain is stored to
 * memory and loaded back: the load starts a new tree the optimizer cannot merge with the old one. Short
 * trees also make -O3 faster (measured on 771 chained rounded products: 16 takes about 60% of the time of 64).
 */
const MAX_CHAIN_DEPTH = 16;

/**
 * The WebAssembly target: native i64 arithmetic, lookup tables in a data segment, state in linear
 * memory at the layout of memory-layout.ts. Each handler is one function whose IR values are locals;
 * `step(kind, t, a, b, c, d)` takes f64 fields (exact integers) so a JavaScript host calls it without BigInt.
 */
export async function emitWasm(program: IrProgram): Promise<BuiltModule> {
  const layout = memoryLayout(program);
  return withModule((m, b) => {
    const pages = Math.max(1, Math.ceil(layout.bytes / 65536));
    m.setMemory(
      pages,
      MAX_PAGES,
      "memory",
      program.luts.map((l, i) => ({ offset: m.i32.const(layout.luts[i]), data: i64Bytes(l.values), passive: false })),
    );
    exportLayout(m, b, layout);
    for (const h of program.handlers) addHandler(m, b, h, layout);
    addStepAt(m, b, program, layout);
    addStepBatch(m, b, layout);
    addStep(m, b, layout);
    addReset(m, b, program, layout);
    addLoadParams(m, b, program, layout);
  });
}

function i64Bytes(values: readonly bigint[]): Uint8Array {
  const out = new BigInt64Array(values.length);
  values.forEach((v, i) => (out[i] = v));
  return new Uint8Array(out.buffer);
}

function exportLayout(m: BinaryenModule, b: Binaryen, l: MemoryLayout): void {
  const globals: [string, number][] = [
    ["params_offset", l.params],
    ["param_count", l.paramCount],
    ["state_offset", l.state],
    ["state_count", l.stateCount],
    ["outputs_offset", l.outputs],
    ["output_count", l.outputCount],
  ];
  for (const [name, value] of globals) {
    m.addGlobal(name, b.i32, false, m.i32.const(value));
    m.addGlobalExport(name, name);
  }
}

const c64 = (m: BinaryenModule, v: bigint): Expr => (m.i64.const as unknown as (x: bigint) => Expr)(v);

const handlerName = (h: Handler) => `on_${h.event}`;

/** Stores 0 to every output but `except`, in the row at byte offset `row()`. */
function zeroOutputs(m: BinaryenModule, l: MemoryLayout, row: () => Expr, except: Set<number> = new Set()): Expr[] {
  const out: Expr[] = [];
  for (let i = 0; i < l.outputCount; i++) if (!except.has(i)) out.push(m.f64.store(8 * i, 8, row(), m.f64.const(0)));
  return out;
}

/** Lowers one handler; each IR value becomes a local (i32 for conditions, i64 otherwise). */
function addHandler(m: BinaryenModule, b: Binaryen, h: Handler, l: MemoryLayout): void {
  const body = h.body;
  const condition = conditionFlags(body);
  const vars: number[] = body.map((ins) => (condition[ins.id] ? b.i32 : b.i64));
  const scratch = (): number => {
    vars.push(b.i64);
    return FIRST_VALUE_LOCAL + vars.length - 1;
  };
  const stmts: Expr[] = [];
  const ctx: LowerCtx = { m, b, body, condition, l, scratch, prelude: stmts };
  const depth: number[] = [];
  for (const ins of body) {
    const local = FIRST_VALUE_LOCAL + ins.id;
    depth[ins.id] = 1 + Math.max(0, ...operands(ins).map((x) => depth[x]));
    const value = lowerInstr(ins, ctx);
    if (depth[ins.id] < MAX_CHAIN_DEPTH) {
      stmts.push(m.local.set(local, value));
      continue;
    }
    depth[ins.id] = 1;
    const i32 = vars[ins.id] === b.i32;
    const at = m.i32.const(l.spill);
    stmts.push(i32 ? m.i32.store(0, 4, at, value) : m.i64.store(0, 8, at, value));
    stmts.push(m.local.set(local, i32 ? m.i32.load(0, 4, m.i32.const(l.spill)) : m.i64.load(0, 8, m.i32.const(l.spill))));
  }
  const row = () => m.local.get(OUTPUT_PTR, b.i32);
  stmts.push(m.if(m.i32.eqz(cond(ctx, h.guard)), m.block(null, [...zeroOutputs(m, l, row), m.return(m.i32.const(0))])));
  for (const w of h.writes) stmts.push(m.i64.store(l.state + 8 * w.slot, 8, m.i32.const(0), num(ctx, w.value)));
  const written = new Set(h.outputs.map((o) => o.slot));
  stmts.push(...zeroOutputs(m, l, row, written));
  for (const o of h.outputs) stmts.push(m.f64.store(8 * o.slot, 8, row(), m.f64.convert_s.i64(num(ctx, o.value))));
  stmts.push(m.return(m.i32.const(1)));
  m.addFunction(handlerName(h), b.createType([b.f64, b.f64, b.f64, b.f64, b.f64, b.i32]), b.i32, vars, m.block(null, stmts, b.none));
}

interface LowerCtx {
  readonly m: BinaryenModule;
  readonly b: Binaryen;
  readonly body: readonly Instr[];
  /** conditionFlags(body): which values are i32 conditions. */
  readonly condition: readonly boolean[];
  readonly l: MemoryLayout;
  readonly scratch: () => number;
  /**
   * Where a lowering puts the scratch assignments its expression reads: top-level statements before the
   * value's own local.set, so no expression nests a block and trees stay as shallow as the IR.
   */
  readonly prelude: Expr[];
}

const get = (c: LowerCtx, id: number): Expr =>
  c.m.local.get(FIRST_VALUE_LOCAL + id, c.condition[id] ? c.b.i32 : c.b.i64);

/** A value as i64. */
function num(c: LowerCtx, id: number): Expr {
  const ins = c.body[id];
  if (ins.op === "const") return c64(c.m, ins.value);
  return c.condition[id] ? c.m.i64.extend_u(get(c, id)) : get(c, id);
}

/** A value as an i32 condition. */
function cond(c: LowerCtx, id: number): Expr {
  return c.condition[id] ? get(c, id) : c.m.i64.ne(num(c, id), c64(c.m, 0n));
}

/** Stores an expression in a scratch local (a prelude statement) and returns a reader, so it can be used twice. */
function share(c: LowerCtx, e: Expr): { use: () => Expr } {
  const local = c.scratch();
  c.prelude.push(c.m.local.set(local, e));
  return { use: () => c.m.local.get(local, c.b.i64) };
}

function lowerInstr(ins: Instr, c: LowerCtx): Expr {
  const { m } = c;
  const i64 = m.i64;
  switch (ins.op) {
    case "const":
      return c64(m, ins.value);
    case "param":
      return i64.load(c.l.params + 8 * ins.slot, 8, m.i32.const(0));
    case "state":
      return i64.load(c.l.state + 8 * ins.slot, 8, m.i32.const(0));
    case "input":
      return i64.trunc_s_sat.f64(m.local.get(INPUT_INDEX[ins.field], c.b.f64));
    case "add":
      return i64.add(num(c, ins.a), num(c, ins.b));
    case "sub":
      return i64.sub(num(c, ins.a), num(c, ins.b));
    case "min":
      return m.select(i64.lt_s(num(c, ins.a), num(c, ins.b)), num(c, ins.a), num(c, ins.b));
    case "max":
      return m.select(i64.gt_s(num(c, ins.a), num(c, ins.b)), num(c, ins.a), num(c, ins.b));
    case "neg":
      return i64.sub(c64(m, 0n), num(c, ins.a));
    case "abs":
      return m.select(i64.lt_s(num(c, ins.a), c64(m, 0n)), i64.sub(c64(m, 0n), num(c, ins.a)), num(c, ins.a));
    case "not":
      return m.i32.eqz(cond(c, ins.a));
    case "and":
      return m.i32.and(cond(c, ins.a), cond(c, ins.b));
    case "or":
      return m.i32.or(cond(c, ins.a), cond(c, ins.b));
    case "cmp": {
      const f = { lt: i64.lt_s, le: i64.le_s, eq: i64.eq, ne: i64.ne }[ins.pred];
      return f(num(c, ins.a), num(c, ins.b));
    }
    case "select":
      return c.condition[ins.id]
        ? m.select(cond(c, ins.cond), get(c, ins.a), get(c, ins.b))
        : m.select(cond(c, ins.cond), num(c, ins.a), num(c, ins.b));
    case "clamp": {
      const x = num(c, ins.a);
      const inner = m.select(i64.gt_s(x, c64(m, ins.hi)), c64(m, ins.hi), num(c, ins.a));
      return m.select(i64.lt_s(num(c, ins.a), c64(m, ins.lo)), c64(m, ins.lo), inner);
    }
    case "lut":
      return i64.load(c.l.luts[ins.table], 8, m.i32.shl(m.i32.wrap(num(c, ins.index)), m.i32.const(3)));
    case "shl":
      return i64.shl(num(c, ins.a), c64(m, BigInt(ins.n)));
    case "shr":
      return roundShift(c, num(c, ins.a), c.body[ins.a].range, ins.n, ins.round);
    case "mul":
      return roundShift(c, i64.mul(num(c, ins.a), num(c, ins.b)), productRange(c.body[ins.a].range, c.body[ins.b].range), ins.shift, ins.round);
    case "div": {
      const dividend = ins.shift ? i64.shl(num(c, ins.a), c64(m, BigInt(ins.shift))) : num(c, ins.a);
      // both non-negative: the truncating quotient is the floor, and the unsigned one needs no sign logic
      if (c.body[ins.a].range.lo >= 0n && c.body[ins.b].range.lo > 0n) return i64.div_u(dividend, num(c, ins.b));
      return floorDivide(c, dividend, num(c, ins.b), c.body[ins.b].range.lo > 0n);
    }
    case "mod": {
      if (c.body[ins.a].range.lo >= 0n) return i64.rem_u(num(c, ins.a), num(c, ins.b));
      const r = share(c, i64.rem_s(num(c, ins.a), num(c, ins.b)));
      return i64.add(r.use(), m.select(i64.lt_s(r.use(), c64(m, 0n)), num(c, ins.b), c64(m, 0n)));
    }
    default: {
      const never: never = ins;
      throw new Error(`unknown op ${JSON.stringify(never)}`);
    }
  }
}

const I64_MAX = 2n ** 63n - 1n;

/**
 * round(x / 2^n) for x in `range` (the product's range for a mul: i64.mul is exact, as every product
 * fits 64 bits), one rule per rounding, each valid under the obligation stated:
 *   - floor: x >> n (shr_s floors). Always.
 *   - ceil: (x + 2^n - 1) >> n. Obligation: x + 2^n - 1 does not overflow, range.hi + 2^n - 1 <= 2^63 - 1.
 *   - half-even: (x + 2^(n-1) - 1 + ((x >> n) & 1)) >> n: below half the sum stays under the next
 *     multiple of 2^n, above half it reaches it, and exactly at half it does iff the quotient is odd.
 *     Obligation: range.hi + 2^(n-1) <= 2^63 - 1.
 * When an obligation fails, the quotient and the dropped bits decide (shifted, masked, compared).
 */
function roundShift(c: LowerCtx, x: Expr, range: Interval, n: number, mode: Rounding): Expr {
  if (n === 0) return x;
  const { m } = c;
  const i64 = m.i64;
  const k = (v: bigint) => c64(m, v);
  const N = BigInt(n);
  if (mode === "floor") return i64.shr_s(x, k(N));
  const v = share(c, x);
  if (mode === "ceil" && range.hi + (1n << N) - 1n <= I64_MAX) return i64.shr_s(i64.add(v.use(), k((1n << N) - 1n)), k(N));
  if (mode === "half_even" && range.hi + (1n << (N - 1n)) <= I64_MAX)
    return i64.shr_s(i64.add(i64.add(v.use(), k((1n << (N - 1n)) - 1n)), i64.and(i64.shr_s(v.use(), k(N)), k(1n))), k(N));
  const q = () => i64.shr_s(v.use(), k(N));
  const r = () => i64.and(v.use(), k((1n << N) - 1n));
  const up =
    mode === "ceil"
      ? i64.ne(r(), k(0n))
      : m.i32.or(i64.gt_u(r(), k(1n << (N - 1n))), m.i32.and(i64.eq(r(), k(1n << (N - 1n))), i64.ne(i64.and(q(), k(1n)), k(0n))));
  return i64.add(q(), i64.extend_u(up));
}

/**
 * floor(n / d) from the truncating i64.div_s: one step down when the remainder and divisor differ in
 * sign (with `positive`, a divisor proven > 0: when the remainder is negative).
 */
function floorDivide(c: LowerCtx, n: Expr, d: Expr, positive: boolean): Expr {
  const { m } = c;
  const i64 = m.i64;
  const zero = () => c64(m, 0n);
  const nv = share(c, n);
  const dv = share(c, d);
  const q = share(c, i64.div_s(nv.use(), dv.use()));
  // the remainder from the quotient: a multiply, where rem_s would be a second division
  const r = share(c, i64.sub(nv.use(), i64.mul(q.use(), dv.use())));
  if (positive) return i64.sub(q.use(), i64.extend_u(i64.lt_s(r.use(), zero())));
  const signsDiffer = i64.lt_s(i64.xor(r.use(), dv.use()), zero());
  const inexact = i64.ne(r.use(), zero());
  return i64.sub(q.use(), i64.extend_u(m.i32.and(inexact, signsDiffer)));
}

/** The interval of a * b (its extremes are at corners). */
function productRange(a: Interval, b: Interval): Interval {
  const corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
  return { lo: corners.reduce((x, y) => (y < x ? y : x)), hi: corners.reduce((x, y) => (y > x ? y : x)) };
}

/**
 * step_at(kind, t, a, b, c, d, out): the event's validation and dispatch, its outputs to the row at byte
 * offset `out`. The engine contract: the kind and every field are safe integers (a whole number of
 * magnitude at most 2^53 - 1), or the event is invalid; then the kind picks the handler. step_batch runs
 * it with each event's row of its output buffer (and `step` through step_batch, with the layout's outputs).
 */
function addStepAt(m: BinaryenModule, b: Binaryen, program: IrProgram, l: MemoryLayout): void {
  const arg = (i: number) => m.local.get(i, b.f64);
  const out = () => m.local.get(6, b.i32);
  const safeInteger = (i: number) =>
    m.i32.and(m.f64.eq(m.f64.trunc(arg(i)), arg(i)), m.f64.le(m.f64.abs(arg(i)), m.f64.const(2 ** 53 - 1)));
  const wellFormed = [1, 2, 3, 4, 5].reduce((acc, i) => m.i32.and(acc, safeInteger(i)), safeInteger(0));
  // a binaryen expression may appear in one place only, so each use builds its own
  const kind = () => m.i32.trunc_s_sat.f64(arg(0));
  const branches = program.handlers.map((h) =>
    m.if(
      m.i32.eq(kind(), m.i32.const(EVENT_KIND_NAMES.indexOf(h.event))),
      m.return(m.call(handlerName(h), [...[1, 2, 3, 4, 5].map(arg), out()], b.i32)),
    ),
  );
  const invalid = m.block(null, [...zeroOutputs(m, l, out), m.return(m.i32.const(0))]);
  m.addFunction(
    "step_at",
    b.createType([b.f64, b.f64, b.f64, b.f64, b.f64, b.f64, b.i32]),
    b.i32,
    [],
    m.block(null, [m.if(m.i32.eqz(wellFormed), invalid), ...branches, ...zeroOutputs(m, l, out), m.return(m.i32.const(0))]),
  );
}

/**
 * step(kind, t, a, b, c, d), all f64: one event, its outputs at the layout's outputs. It stores the event
 * as a row and runs step_batch on it, so step_at has one caller and binaryen inlines it into the batch
 * loop: a batch makes no call per event.
 */
function addStep(m: BinaryenModule, b: Binaryen, l: MemoryLayout): void {
  const stores = [0, 1, 2, 3, 4, 5].map((i) => m.f64.store(l.event + 8 * i, 8, m.i32.const(0), m.local.get(i, b.f64)));
  const run = m.call("step_batch", [m.i32.const(l.event), m.i32.const(1), m.i32.const(l.outputs)], b.i32);
  m.addFunction("step", b.createType([b.f64, b.f64, b.f64, b.f64, b.f64, b.f64]), b.i32, [], m.block(null, [...stores, run], b.i32));
  m.addFunctionExport("step", "step");
}

/**
 * step_batch(events, count, outputs): steps `count` events stored as [kind, t, a, b, c, d] f64 rows at
 * byte offset `events`, each event's handler writing its outputs straight into its row at `outputs`.
 * One call per batch, no copy: the host's ring buffer is drained where it lies in linear memory.
 * Returns how many events were accepted.
 */
function addStepBatch(m: BinaryenModule, b: Binaryen, l: MemoryLayout): void {
  const [events, count, outputs, i, accepted, at] = [0, 1, 2, 3, 4, 5];
  const field = (k: number) => m.f64.load(8 * k, 8, m.local.get(at, b.i32));
  const row = m.i32.add(m.local.get(outputs, b.i32), m.i32.mul(m.local.get(i, b.i32), m.i32.const(8 * l.outputCount)));
  const body = m.block(null, [
    m.local.set(i, m.i32.const(0)),
    m.local.set(accepted, m.i32.const(0)),
    m.block("done", [
      m.loop(
        "next",
        m.block(null, [
          m.br("done", m.i32.ge_u(m.local.get(i, b.i32), m.local.get(count, b.i32))),
          m.local.set(at, m.i32.add(m.local.get(events, b.i32), m.i32.mul(m.local.get(i, b.i32), m.i32.const(RECORD_BYTES)))),
          m.local.set(
            accepted,
            m.i32.add(
              m.local.get(accepted, b.i32),
              m.call("step_at", [field(0), field(1), field(2), field(3), field(4), field(5), row], b.i32),
            ),
          ),
          m.local.set(i, m.i32.add(m.local.get(i, b.i32), m.i32.const(1))),
          m.br("next"),
        ]),
      ),
    ]),
    m.local.get(accepted, b.i32),
  ], b.i32);
  m.addFunction("step_batch", b.createType([b.i32, b.i32, b.i32]), b.i32, [b.i32, b.i32, b.i32], body);
  m.addFunctionExport("step_batch", "step_batch");
}

function addReset(m: BinaryenModule, b: Binaryen, program: IrProgram, l: MemoryLayout): void {
  const stores = program.state.map((s, i) => m.i64.store(l.state + 8 * i, 8, m.i32.const(0), c64(m, s.init)));
  m.addFunction("reset_state", b.none, b.none, [], m.block(null, [...stores, ...zeroOutputs(m, l, () => m.i32.const(l.outputs))]));
  m.addFunctionExport("reset_state", "reset_state");
}
