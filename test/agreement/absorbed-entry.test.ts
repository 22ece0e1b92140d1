import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/pipeline.js";
import { entryAbsorbed } from "./absorbed-entry.js";

const fail = (what: string): never => {
  throw new Error(what);
};

describe("the equivalence argument of a table entry +1 LSB", () => {
  const path = "examples/glft.lstep";
  const ir = compileSource(path, readFileSync(path, "utf8")).ir!;
  const sqrt1 = ir.luts.findIndex((l) => l.name === "sqrt_1");

  it("holds for glft's sqrt_1 middle entry, and is refuted by an entry whose +1 shows in sigma_update", () => {
    expect(() => entryAbsorbed(ir, sqrt1, 504, fail)).not.toThrow();
    // entry 50 at v = 271442 / 2^16: the interpolated sum sits one LSB below a 2^-17 rounding boundary
    // (its residue mod 2^16 is 2^15 - 1; the bump makes it a tie, which half-even rounds up to the even 133376)
    expect(() => entryAbsorbed(ir, sqrt1, 50, fail)).toThrow(/the argument 271442 shows entry 50/);
  });

  it("refuses a program where a table read reaches an output other than through the rounding", () => {
    const h = ir.handlers.find((x) => x.event === "book")!;
    const read = h.body.find((i) => i.op === "lut" && i.table === sqrt1)!;
    const leaky = { ...ir, handlers: ir.handlers.map((x) => (x === h ? { ...h, outputs: [...h.outputs, { slot: 0, value: read.id }] } : x)) };
    expect(() => entryAbsorbed(leaky, sqrt1, 504, fail)).toThrow(/more than one rounding, or an output/);
  });
});
