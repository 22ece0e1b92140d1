import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eliminateDeadCode } from "../../compiler/dead-code.js";
import { interpreterEngine } from "../../targets/agreement/engine.js";
import { describeStep, runStream } from "../../targets/agreement/run-agreement.js";
import { baseParams, eventStream } from "../../targets/agreement/streams.js";
import { shortenLate } from "../../targets/hdl/shorten-late.js";
import { compileExample, PROGRAMS } from "./example-programs.js";

describe.each(PROGRAMS)("%s: the gateway's last-stage rewrites (shorten-late.ts)", (file) => {
  it("compute what the program computes, with sound ranges, on 2,000 streams of the whole program", () => {
    const program = compileExample(file);
    const rewritten = { ...program, handlers: program.handlers.map((h) => eliminateDeadCode(shortenLate(h))) };
    // they apply: the order handler of a risk block compares state-dependent sums and absolute values
    const changed = program.handlers.filter((h, i) => JSON.stringify(h.body.map((x) => x.op)) !== JSON.stringify(rewritten.handlers[i].body.map((x) => x.op)));
    expect(changed.length).toBeGreaterThan(0);
    // checked: every value of the rewritten handlers is tested against its computed interval
    const target = { ...interpreterEngine(rewritten), name: "rewritten" };
    fc.assert(
      fc.property(baseParams(program), eventStream(program), (base, stream) => {
        const d = runStream(program, base, stream, interpreterEngine(program), [target]);
        if (d) throw new Error(`${d.what} is ${d.actual}, reference ${d.expected}, after ${describeStep(stream[d.step])}`);
      }),
      { numRuns: 2_000, seed: 20261204 },
    );
  }, 120_000);
});
