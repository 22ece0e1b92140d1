/** Where a compiled program's outputs sit, by name (the names `lockstep step` prints). */
export interface OutputLayout {
  /** Per quote level: indices of quote_valid_K, quote_bid_K, quote_ask_K, quote_bid_qty_K, quote_ask_qty_K. */
  readonly levels: readonly { readonly valid: number; readonly bid: number; readonly ask: number; readonly bidQty: number; readonly askQty: number }[];
  readonly accept: number;
  readonly reason: number;
  readonly haltReason: number;
  /** -1 when the program arms no timer. */
  readonly timerAt: number;
}

const QUOTE_FIELDS = ["quote_valid", "quote_bid", "quote_ask", "quote_bid_qty", "quote_ask_qty"] as const;

/** The layout of a program's output names, or what is missing. Level 0 has plain names, level K a `_K` suffix. */
export function outputLayout(names: readonly string[]): OutputLayout | { error: string } {
  const at = (n: string) => names.indexOf(n);
  const levels: OutputLayout["levels"][number][] = [];
  for (let k = 0; ; k++) {
    const [valid, bid, ask, bidQty, askQty] = QUOTE_FIELDS.map((f) => at(k === 0 ? f : `${f}_${k}`));
    if (valid < 0) break;
    if (Math.min(bid, ask, bidQty, askQty) < 0) return { error: `quote level ${k} lacks one of ${QUOTE_FIELDS.join(", ")}` };
    levels.push({ valid, bid, ask, bidQty, askQty });
  }
  const [accept, reason, haltReason] = ["accept", "reason", "halt_reason"].map(at);
  if (Math.min(accept, reason, haltReason) < 0) return { error: "the program has no accept, reason or halt_reason output" };
  return { levels, accept, reason, haltReason, timerAt: at("timer_at") };
}
