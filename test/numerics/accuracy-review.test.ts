import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { accuracyReport, BUNDLED_DATA } from "../../cli/accuracy-command.js";
import { compileSource } from "../../compiler/pipeline.js";
import { tapeToRecords } from "../../runtime/event-tape.js";
import { readBinanceJsonlGz } from "../../runtime/feed/binance-jsonl.js";

/** What an adversarial review found `lockstep accuracy` getting wrong; each case failed before its fix. */

const records = tapeToRecords(readBinanceJsonlGz(BUNDLED_DATA, { tick: "0.01", lot: "0.00001" }).tape);
const report = (fixture: string, text?: string) => {
  const source = text ?? readFileSync(`test/numerics/fixtures/${fixture}`, "utf8");
  const c = compileSource(fixture, source);
  expect(c.diagnostics.errors().map((d) => d.message)).toEqual([]);
  return accuracyReport(c.ir!, BUNDLED_DATA, records);
};

describe("lockstep accuracy, reviewed", () => {
  it("keeps floor_tick in the float semantics even where the exact operand is already whole ticks", () => {
    const r = report("typed-let-then-floor-tick.lstep");
    const row = r.text.split("\n").find((l) => l.includes("output quote_bid "))!;
    // whole ticks both ways: a deviation is 0 or 1, never the half tick of a dropped floor
    expect(row).toMatch(/ticks\s+5870\s+1\.000 /);
    expect(r.exceeded).toBe(false);
  });

  it("counts a quote one semantics makes and the other does not against the budget", () => {
    const r = report("quote-valid-differs.lstep");
    expect(r.exceeded).toBe(true);
    expect(r.text).toMatch(/EXCEEDED\n {2}on examples\/data\/btcusdt-20240808-excerpt\.jsonl\.gz: one semantics quoted and the other did not, \d+ times/);
  });

  it("measures every quote level, not only level 0", () => {
    const r = report("level-one-only.lstep");
    expect(r.text).toMatch(/quotes within 1 tick of the float semantics: \d+ of 5870/);
    expect(r.text).toMatch(/output quote_bid_1 /);
  });

  it("does not call a budget held when nothing was measured", () => {
    const narrow = readFileSync("test/numerics/fixtures/level-one-only.lstep", "utf8").replace("price in [1, 20_000_000] ticks", "price in [1, 1_000] ticks");
    const r = report("narrow.lstep", narrow);
    expect(r.text).toContain("NOT MEASURED");
    expect(r.exceeded).toBe(true);
  });
});
