import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { exactDecimal } from "../../cli/slot-format.js";
import { compileSource } from "../../compiler/pipeline.js";
import { lockstepAsync } from "./run-cli.js";

const SOURCE = "examples/avellaneda.lstep";
const DECLARED = `instrument X { tick = 1 lot = 1 multiplier = 1 price in [1, 1000] ticks qty in [0, 100] lots }
params {
  a : fix<8.16> = 2 in [0, 100]
  b : fix<8.16> = 3 in [0, 100]
}
strategy S on X {
  state out : fix<8.20> = 0
  on book {
    let ab : fix<8.20> = a * b / 2
    out = sat(ab)
    quote bid = bid, ask = ask, qty = 1
  }
}`;
const ir = compileSource(SOURCE, readFileSync(SOURCE, "utf8")).ir!;

const BOOK = { bid: 6_183_763, bidQty: 120, ask: 6_183_764, askQty: 80 };
const BUYS = [40, 25];
const SELL = 30;
// the book at line 8 moves the mid; the one at line 9 goes back in time, so it is invalid
const EVENTS = `kind,t,a,b,c,d
# a book, two buys, a trade, a sell, a book that moves, one that goes back in time

book,1000000000,${BOOK.bid},${BOOK.bidQty},${BOOK.ask},${BOOK.askQty}
fill,1100000000,${BOOK.bid},${BUYS[0]},1
fill,1200000000,${BOOK.bid},${BUYS[1]},1
fill,1250000000,${BOOK.ask},${SELL},-1
book,1400000000,6183760,90,6183765,60
book,1300000000,6183760,90,6183765,60
trade,1500000000,6183764,500,1
`;

/** CSV output as objects keyed by column name (the output has no quoted cells but the note). */
function csvRows(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split("\n");
  const names = header.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [names[i], v])));
}

/** decimal text == raw / 2^frac, exactly: decimal * 10^k * 2^frac == raw * 10^k. */
function sameValue(decimal: string, raw: string, frac: number): boolean {
  const [whole, fraction = ""] = decimal.replace("-", "").split(".");
  const sign = decimal.startsWith("-") ? -1n : 1n;
  const scaled = sign * BigInt(whole + fraction);
  return scaled * 2n ** BigInt(frac) === BigInt(raw) * 10n ** BigInt(fraction.length);
}

type Run = { code: number; stdout: string; stderr: string };

describe("lockstep step", () => {
  const runs: Record<string, Run> = {};
  let dir: string;
  let bad: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "lockstep-step-"));
    const file = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const events = file("events.csv", EVENTS);
    bad = file("bad.csv", "kind,t,a,b,c,d\nbook,1,2,3,4,5\nbok,2,1\nbook,3,12x\nbook,4,1,2,3,4,5\n");
    const step = (...args: string[]) => lockstepAsync("step", SOURCE, "--events", events, ...args);
    // every run at once: the CLI starts a process each, and they share the cores
    const started: Record<string, Promise<Run>> = {
      interp: step("--format", "csv"),
      ts: step("--format", "csv", "--target", "ts"),
      wasm: step("--format", "csv", "--target", "wasm"),
      raw: step("--format", "csv", "--raw"),
      json: step("--format", "json"),
      table: step(),
      bad: lockstepAsync("step", SOURCE, "--events", bad),
      params: step("--format", "csv", "--params", file("ok.json", '{ "gamma": 0.12, "order_qty": 50 }')),
      unknown: step("--params", file("unknown.json", '{\n  "gama": 0.12\n}')),
      aliases: lockstepAsync("step", SOURCE, "--format", "csv", "--events", file("aliases.csv", EVENTS.replace("kind,t,a,b,c,d", "kind,t,bid,bid_qty,ask,ask_qty"))),
      refused: lockstepAsync("step", file("declared.lstep", DECLARED), "--events", events, "--params", file("big.json", '{ "a": 100, "b": 100 }')),
    };
    for (const [name, run] of Object.entries(started)) runs[name] = await run;
  }, 300_000);

  it("prints every state and output slot after each event, from the interpreter", () => {
    const interp = runs.interp;
    expect(interp.stderr).toBe("");
    expect(interp.code).toBe(0);
    const rows = csvRows(interp.stdout);
    expect(rows.map((r) => r.line)).toEqual(["4", "5", "6", "7", "8", "9", "10"]);
    expect(Object.keys(rows[0])).toEqual(["line", "kind", "t", "a", "b", "c", "d", "valid", ...ir.state.map((s) => s.name), ...ir.outputs.map((o) => o.name), "note"]);
    // Lockstep keeps the position from the fills and the book from book events
    expect(Number(rows[1].position)).toBe(BUYS[0]);
    expect(Number(rows[2].position)).toBe(BUYS[0] + BUYS[1]);
    expect(Number(rows[3].position)).toBe(BUYS[0] + BUYS[1] - SELL);
    expect([rows[0].bid, rows[0].bid_qty, rows[0].ask, rows[0].ask_qty].map(Number)).toEqual([BOOK.bid, BOOK.bidQty, BOOK.ask, BOOK.askQty]);
    // the first quote, with no variance, no position and no pressure yet: r = mid, half = (1 / gamma) ln(1 + gamma / kappa)
    const mid = (BOOK.bid + BOOK.ask) / 2;
    const param = (name: string) => {
      const p = ir.params.find((x) => x.name === name)!;
      return Number(p.default) / 2 ** p.frac;
    };
    const [gamma, kappa] = [param("gamma"), param("kappa")];
    const half = (1 / gamma) * Math.log(1 + gamma / kappa);
    expect(Number(rows[0].quote_bid)).toBe(Math.floor(mid - half));
    expect(Number(rows[0].quote_ask)).toBe(Math.ceil(mid + half));
    expect(Number(rows[0].quote_bid_qty)).toBe(param("order_qty"));
    // the mid moved: the variance is a fraction, printed exactly
    expect(rows[4].sigma2_bp).toMatch(/^0\.\d+$/);
  });

  it("shows an event the guard rejects as invalid: state unchanged, outputs cleared", () => {
    const [before, invalid] = csvRows(runs.interp.stdout).slice(4, 6);
    expect(invalid.valid).toBe("no");
    expect(invalid.note).toBe("invalid event: outputs cleared; state unchanged");
    for (const s of ir.state) expect(invalid[s.name]).toBe(before[s.name]);
    for (const o of ir.outputs) expect(invalid[o.name]).toBe("0");
    expect(before.valid).toBe("yes");
    expect(before.quote_valid).toBe("1");
  });

  it("prints the same rows from the TypeScript and WebAssembly targets", () => {
    for (const target of ["ts", "wasm"]) {
      expect(runs[target].stderr).toBe("");
      expect(runs[target].code).toBe(0);
      expect(runs[target].stdout).toBe(runs.interp.stdout);
    }
  });

  it("--raw prints raw integers, and each decimal is exactly raw / 2^frac", () => {
    const r = runs.raw;
    expect(r.code).toBe(0);
    const raw = csvRows(r.stdout);
    const decimal = csvRows(runs.interp.stdout);
    const slots = [...ir.state, ...ir.outputs];
    expect(slots.some((s) => s.frac > 0)).toBe(true);
    raw.forEach((row, i) => {
      for (const s of slots) {
        expect(row[s.name]).toMatch(/^-?\d+$/);
        expect(sameValue(decimal[i][s.name], row[s.name], s.frac), `${s.name} on line ${row.line}`).toBe(true);
      }
    });
    expect(Number(raw[4].sigma2_bp)).toBeGreaterThan(0);
  });

  it("--format json: an array of objects, state and outputs keyed by slot name; the table has a units row", () => {
    const r = runs.json;
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { line: number; valid: boolean; event: Record<string, unknown>; state: Record<string, number>; outputs: Record<string, number> }[];
    expect(rows).toHaveLength(7);
    for (const row of rows) {
      expect(Object.keys(row.state)).toEqual(ir.state.map((s) => s.name));
      expect(Object.keys(row.outputs)).toEqual(ir.outputs.map((o) => o.name));
    }
    expect(rows[0].event).toEqual({ kind: "book", t: 1_000_000_000, a: BOOK.bid, b: BOOK.bidQty, c: BOOK.ask, d: BOOK.askQty });
    expect(rows[3].state.position).toBe(BUYS[0] + BUYS[1] - SELL);
    expect(rows.map((x) => x.valid)).toEqual([true, true, true, true, true, false, true]);
    const decimal = csvRows(runs.interp.stdout);
    rows.forEach((row, i) => expect(row.state.sigma2_bp).toBe(Number(decimal[i].sigma2_bp)));

    expect(runs.table.code).toBe(0);
    const table = runs.table.stdout.split("\n");
    expect(table[0].split(/\s+/).slice(0, 9)).toEqual(["line", "kind", "t", "a", "b", "c", "d", "valid", "position"]);
    // units under the names (numeric columns align right): position in lots, quotes in ticks
    const under = (name: string) => table[1].slice(0, table[0].indexOf(` ${name} `) + name.length + 1).trim().split(/\s+/).pop();
    expect(under("position")).toBe("lots");
    expect(under("quote_bid")).toBe("ticks");
    expect(under("last_time")).toBe("ns");
  });

  it("accepts the event fields' names as column names", () => {
    expect(runs.aliases.code).toBe(0);
    expect(runs.aliases.stdout).toBe(runs.interp.stdout);
  });

  it("refuses malformed rows with file:line:col, prints nothing on stdout, exit 1", () => {
    const r = runs.bad;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${bad}:3:1: error[EV003]: unknown event kind 'bok'`);
    expect(r.stderr).toContain(`${bad}:4:8: error[EV004]: the a field '12x' is not a number`);
    expect(r.stderr).toContain(`${bad}:5:16: error[EV006]: too many fields: 7, the header has 6`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("takes parameters by name in their own units, and refuses unknown names", () => {
    const ok = runs.params;
    expect(ok.code).toBe(0);
    expect(csvRows(ok.stdout)[0].quote_bid_qty).toBe("50");
    // 0.12 is not a multiple of 2^-24: rounded half-even, and said so
    expect(ok.stderr).toContain(`gamma = 0.12 is not representable with 24 fraction bits; it is rounded half-even to ${Math.round(0.12 * 2 ** 24) / 2 ** 24}`);

    const unknown = runs.unknown;
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toContain(`unknown.json:2:3: error[PA003]: unknown parameter "gama"`);
    expect(unknown.stderr).toContain("gamma, kappa, horizon");
  });

  it("refuses a parameter set that a declared derived parameter's range refuses", () => {
    const r = runs.refused;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/big\.json: the parameter set is refused: ab = .* is 5000 with these parameters, outside its declared range/);
  });
});

describe("exact decimals of raw / 2^frac", () => {
  it("writes every digit, trims trailing zeros, keeps the sign", () => {
    expect(exactDecimal(-1n, 1)).toBe("-0.5");
    expect(exactDecimal(3n, 2)).toBe("0.75");
    expect(exactDecimal(12n, 3)).toBe("1.5");
    expect(exactDecimal(-7n, 0)).toBe("-7");
    expect(exactDecimal(1n, 32)).toBe("0.00000000023283064365386962890625");
    const raw = 2n ** 52n - 1n;
    expect(sameValue(exactDecimal(raw, 40), raw.toString(), 40)).toBe(true);
    expect(sameValue(exactDecimal(-raw, 40), (-raw).toString(), 40)).toBe(true);
  });
});
