import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { accuracyReport, BUNDLED_DATA } from "../../cli/accuracy-command.js";
import { compileSource } from "../../compiler/pipeline.js";
import { tapeToRecords } from "../../runtime/event-tape.js";
import { readBinanceJsonlGz } from "../../runtime/feed/binance-jsonl.js";

/** `quote ... within N ticks` declares how far the quotes may stray from the float semantics (issue 8). */

const source = readFileSync("examples/avellaneda.lstep", "utf8");
const records = tapeToRecords(readBinanceJsonlGz(BUNDLED_DATA, { tick: "0.01", lot: "0.00001" }).tape);

function report(text: string) {
  const c = compileSource("avellaneda.lstep", text);
  expect(c.diagnostics.errors().map((d) => d.message)).toEqual([]);
  return accuracyReport(c.ir!, BUNDLED_DATA, records, true);
}

describe("a quote's accuracy budget", () => {
  it("holds on the example, which declares within 1 tick", () => {
    const r = report(source);
    expect(r.exceeded).toBe(false);
    expect(r.text).toContain("budget: quotes within 1 tick of the float semantics (avellaneda.lstep:45:82): held");
  });

  it("fails when a rounding breaks it, and names that rounding's line first", () => {
    const coarse = source.replace("precision(seconds(remaining(horizon)), 8)", "precision(seconds(remaining(horizon)), 0)");
    const r = report(coarse);
    expect(r.exceeded).toBe(true);
    expect(r.text).toMatch(/budget: .*: EXCEEDED\n {2}on examples\/data\/btcusdt-20240808-excerpt\.jsonl\.gz: \d+ of 5870 quotes off by more/);
    const contributors = r.text.slice(r.text.indexOf("the roundings that move the quotes most")).split("\n");
    expect(contributors[1]).toContain("let tau = precision(seconds(remaining(horizon)), 0)");
  });

  it("is in ticks and positive: other units and 0 are located errors", () => {
    for (const [budget, message] of [
      ["within 1 lots", "a quote's accuracy is in ticks, not 'lots'"],
      ["within 0 ticks", "a quote's accuracy must be more than 0 ticks"],
    ]) {
      const c = compileSource("a.lstep", source.replace("within 1 tick", budget));
      const [e] = c.diagnostics.errors();
      expect(e?.code).toBe("N015");
      expect(e.message).toBe(message);
    }
  });
});
