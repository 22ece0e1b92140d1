import { compileSource } from "../compiler/pipeline.js";
import type { IrProgram } from "../compiler/ir.js";
import { emitTypeScript } from "../targets/ts/emit-ts.js";
import { emitWasm } from "../targets/wasm/emit-wasm.js";

/**
 * How compile time grows with program size: `check` (parse, lower, range analysis), emission to
 * TypeScript and to WebAssembly, each timed at four sizes of two program shapes, with the growth
 * exponent fitted as the slope of log(time) against log(size). Linear emission has exponent 1.
 *
 *   node dist/bench/emission-scaling.js            # the default sizes
 *   LOCKSTEP_SCALING_SCALE=0.5 node dist/bench/emission-scaling.js   # half the sizes, for a quick look
 */

const HEADER = `instrument X {
  tick = 0.01
  lot = 1
  multiplier = 1
  price in [1, 1_000_000] ticks
  qty in [0, 1_000] lots
  position in [-1_000, 1_000] lots
}
`;

/** n dependent lets, each a rounded product and a sum: nothing folds, every value depends on the last. */
function chainedLets(n: number): string {
  const lets = ["let x0 = mid"];
  for (let i = 1; i <= n; i++) lets.push(`let x${i} = precision(x${i - 1} * 0.75, 8) + 1`);
  return `${HEADER}strategy S on X {
  on book {
    ${lets.join("\n    ")}
    quote bid = floor_tick(min(x${n}, bid)), ask = ask, qty = 1
  }
}
`;
}

/** n states, each assigned from the book on every update. */
function manyStates(n: number): string {
  const states: string[] = [];
  const updates: string[] = [];
  for (let i = 0; i < n; i++) {
    states.push(`  state s${i} : int = 0 in [0, 2_000]`);
    updates.push(`    s${i} = sat(value(bid_qty) + ${i % 1000})`);
  }
  return `${HEADER}strategy S on X {\n${states.join("\n")}\n  on book {\n${updates.join("\n")}\n  }\n}\n`;
}

interface Row {
  readonly shape: string;
  readonly size: number;
  readonly check: number;
  readonly ts: number;
  readonly wasm: number;
}

async function seconds<T>(f: () => T | Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const value = await f();
  return [Number(process.hrtime.bigint() - start) / 1e9, value];
}

/** The time of a stage, or NaN when it throws (shown as "failed": an older compiler overflowed its stack here). */
async function stageSeconds(f: () => unknown): Promise<number> {
  try {
    return (await seconds(f))[0];
  } catch {
    return Number.NaN;
  }
}

async function measureOne(shape: string, size: number, source: string): Promise<Row> {
  const [check, compiled] = await seconds(() => compileSource(`${shape}-${size}.lstep`, source));
  if (!compiled.ir) throw new Error(`${shape} at ${size} does not compile: ${compiled.diagnostics.errors()[0]?.message}`);
  const ir: IrProgram = compiled.ir;
  const ts = await stageSeconds(() => emitTypeScript(ir));
  const wasm = await stageSeconds(() => emitWasm(ir));
  return { shape, size, check, ts, wasm };
}

/** Least-squares slope of log(y) against log(x), over the sizes where the stage succeeded. */
function growthExponent(xs: readonly number[], ys: readonly number[]): number {
  const ok = ys.map((y) => Number.isFinite(y));
  const lx = xs.filter((_, i) => ok[i]).map(Math.log);
  const ly = ys.filter((_, i) => ok[i]).map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i] - mx) * (ly[i] - my);
    den += (lx[i] - mx) ** 2;
  }
  return num / den;
}

const SCALE = Number(process.env.LOCKSTEP_SCALING_SCALE ?? 1);
const SHAPES: { name: string; sizes: number[]; source: (n: number) => string }[] = [
  { name: "chained lets", sizes: [700, 1400, 2800, 5600], source: chainedLets },
  { name: "states", sizes: [400, 800, 1600, 3200], source: manyStates },
];

// the first emission loads prettier, ts-morph and binaryen: do that before timing anything
for (const shape of SHAPES) await measureOne(shape.name, 10, shape.source(10));

const pad = (s: string, n: number) => s.padStart(n);
const time = (t: number) => (Number.isFinite(t) ? t.toFixed(3) : "failed");
console.log(`${"shape".padEnd(14)}${pad("size", 7)}${pad("check s", 10)}${pad("ts s", 10)}${pad("wasm s", 10)}`);
for (const shape of SHAPES) {
  const rows: Row[] = [];
  for (const size of shape.sizes.map((s) => Math.max(10, Math.round(s * SCALE)))) {
    const row = await measureOne(shape.name, size, shape.source(size));
    rows.push(row);
    console.log(
      `${shape.name.padEnd(14)}${pad(String(size), 7)}${pad(time(row.check), 10)}${pad(time(row.ts), 10)}${pad(time(row.wasm), 10)}`,
    );
  }
  const sizes = rows.map((r) => r.size);
  const exp = (k: "check" | "ts" | "wasm") => growthExponent(sizes, rows.map((r) => r[k])).toFixed(2);
  console.log(`${shape.name.padEnd(14)}${pad("slope", 7)}${pad(exp("check"), 10)}${pad(exp("ts"), 10)}${pad(exp("wasm"), 10)}`);
}
