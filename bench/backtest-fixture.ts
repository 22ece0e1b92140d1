import { readFileSync } from "node:fs";
import { parameterVector } from "../compiler/derived-eval.js";
import { compileSource } from "../compiler/pipeline.js";
import { readBinanceJsonlGz, repeatTape } from "../runtime/feed/binance-jsonl.js";
import { outputLayout } from "../runtime/orders/output-layout.js";

const EXCERPT = "examples/data/btcusdt-20240808-excerpt.jsonl.gz";
const SOURCE = "examples/avellaneda.lstep";

/**
 * What the backtest benchmarks share: the bundled excerpt looped to `events`, avellaneda compiled, its
 * output layout and its default parameter vector.
 */
export function backtestFixture(events: number) {
  const tape = repeatTape(readBinanceJsonlGz(EXCERPT, { tick: "0.01", lot: "0.00001" }).tape, events);
  const text = readFileSync(SOURCE, "utf8");
  const ir = compileSource(SOURCE, text).ir;
  if (!ir) throw new Error(`${SOURCE} does not compile`);
  const layout = outputLayout(ir.outputs.map((o) => o.name));
  if ("error" in layout) throw new Error(layout.error);
  const vector = parameterVector(ir, ir.params.map((p) => p.default));
  return { excerpt: EXCERPT, source: SOURCE, tape, text, ir, layout, vector };
}
