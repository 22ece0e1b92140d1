import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_NESTING } from "../../language/nesting.js";
import { lockstepWith } from "../cli/run-cli.js";

/**
 * Inputs an adversary found to crash the compiler with a stack overflow (exit 2). Each must compile, or
 * get a located diagnostic naming the limit, through the built CLI. The timeouts only turn a hang into a
 * failure; they are generous because CI shares two cores.
 */

const dir = mkdtempSync(join(tmpdir(), "lockstep-deep-"));
const TIMEOUT = 120_000;

const HEADER = `instrument X {
  tick = 0.01
  lot = 1
  multiplier = 1
  price in [1, 1_000_000] ticks
  qty in [0, 1_000] lots
  position in [-1_000, 1_000] lots
}
params {
  p : int = 1 in [0, 10]
}
`;

/** A strategy whose book handler holds `body` (line 15 of the file, two braces deep). */
function strategy(name: string, body: string, state = "state s : int = 0 in [0, 100]"): string {
  const path = join(dir, `${name}.lstep`);
  writeFileSync(path, `${HEADER}strategy S on X {\n  ${state}\n  on book {\n    ${body}\n  }\n}\n`);
  return path;
}

const nestedIfs = (n: number, inner: string) => {
  let b = inner;
  for (let i = 0; i < n; i++) b = `if bid > ${i} { ${b} }`;
  return b;
};
const elseIfChain = (n: number) =>
  Array.from({ length: n }, (_, i) => `if bid > ${i} { s = ${i % 100} }`).join(" else ");
const parens = (n: number, inner: string) => `${"(".repeat(n)}${inner}${")".repeat(n)}`;
const sum = (n: number, term: string) => Array.from({ length: n }, () => term).join(" + ");

/** line:col (in the handler's first line) of the n-th occurrence of `token` in `body`. */
function nth(body: string, token: string, n: number): string {
  let at = -1;
  for (let k = 0; k < n; k++) at = body.indexOf(token, at + 1);
  return `15:${4 + at + 1}`;
}

describe("deeply nested input gets a located error naming the limit", () => {
  it(`parentheses, ifs, else-if chains and prefix minus nested past ${MAX_NESTING}: P004 at the first too-deep token`, () => {
    // two braces (strategy, handler) are open on line 15; the token that makes 33 levels is reported
    // (in an else-if chain each link counts, so the 30th link's block is the 33rd level)
    const cases = [
      { name: "parens-137", body: `s = ${parens(137, "1")}`, token: "(", n: MAX_NESTING - 1 },
      { name: "parens-5000", body: `s = ${parens(5000, "1")}`, token: "(", n: MAX_NESTING - 1 },
      { name: "ifs-359", body: nestedIfs(359, "s = 1"), token: "{", n: MAX_NESTING - 1 },
      { name: "else-if-400", body: elseIfChain(400), token: "{", n: MAX_NESTING - 1 },
      { name: "minus-200", body: `s = sat(${"- ".repeat(200)}p)`, token: "-", n: MAX_NESTING - 2 },
    ];
    const paths = cases.map((c) => strategy(c.name, c.body, "state s : int = 0 in [-100, 100]"));
    const r = lockstepWith({ timeout: TIMEOUT }, "check", ...paths);
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/internal error|Maximum call stack/);
    cases.forEach((c, i) => {
      expect(r.stderr, c.name).toContain(`${paths[i]}:${nth(c.body, c.token, c.n)}: error[P004]: nesting deeper than ${MAX_NESTING} levels`);
    });
  });

  it("a 2,220-term parameter-only sum: T014, located, naming the depth limit", () => {
    const path = strategy("param-sum-2220", `s = sat(${sum(2220, "p")})`, "state s : int = 0 in [0, 100000]");
    const r = lockstepWith({ timeout: TIMEOUT }, "check", path);
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/param-sum-2220\.lstep:15:13: error\[T014\]: this parameter-only expression is more than 256 operations deep/);
  });
});

describe("long operator chains compile: no recursion per chain element", () => {
  it("2,220-term and 50,000-term sums of per-event values pass check", () => {
    const state = "state s : int = 0 in [0, 100000000]";
    const paths = [2220, 50_000].map((n) => strategy(`sum-${n}`, `s = sat(${sum(n, "value(bid_qty)")})`, state));
    const r = lockstepWith({ timeout: TIMEOUT }, "check", ...paths);
    expect(r.timedOut).toBe(false);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.match(/: ok$/gm)).toHaveLength(2);
  });

  it("771 chained lets of rounded products compile to TypeScript and WebAssembly (binaryen's trees stay shallow)", () => {
    const lets = ["let x0 = mid"];
    for (let i = 1; i <= 771; i++) lets.push(`let x${i} = precision(x${i - 1} * 0.75, 8) + 1`);
    const path = strategy("lets-771", `${lets.join("\n    ")}\n    quote bid = floor_tick(min(x771, bid)), ask = ask, qty = 1`, "");
    const out = mkdtempSync(join(tmpdir(), "lockstep-deep-out-"));
    const r = lockstepWith({ timeout: TIMEOUT }, "compile", path, "--out", out);
    expect(r.timedOut).toBe(false);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("lets-771.wasm");
    expect(r.stdout).toContain("lets-771.ts");
  });
});

describe(`the nesting limit (${MAX_NESTING}) is far below the stack limit`, () => {
  it("the deepest accepted input compiles to every target with a third of Node's default stack", () => {
    const depth = MAX_NESTING - 2; // the strategy's and the handler's braces
    const body = [
      `let a = ${parens(depth, "bid")}`,
      `let m = ${"min(bid_qty, ".repeat(depth)}bid_qty${")".repeat(depth)}`,
      `s = ${"- ".repeat(depth)}p`,
      nestedIfs(depth - 1, "s = 1"),
      elseIfChain(depth),
      `quote bid = floor_tick(min(a, bid)), ask = ask, qty = max(m, 1)`,
    ].join("\n    ");
    const path = strategy("deepest-accepted", body, "state s : int = 0 in [0, 100]");
    const out = mkdtempSync(join(tmpdir(), "lockstep-deep-out-"));
    const r = lockstepWith({ timeout: TIMEOUT, nodeArgs: ["--stack-size=330"] }, "compile", path, "--out", out);
    expect(r.timedOut).toBe(false);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});
