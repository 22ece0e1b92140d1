/**
 * What the strategy worker sends on per event: [t, accepted (1 or 0), outputs...], one float64 each,
 * in the order of the program's outputs (quote_valid, quote_bid, ... for a market maker).
 */
export const OUTPUT_HEADER = 2;

export const outputRecordSize = (outputCount: number): number => OUTPUT_HEADER + outputCount;

/**
 * The output record of the event at `from` of `events`. The time is read here rather than passed in: a
 * double argument to a call the JIT does not inline is boxed, an allocation per event.
 */
export function writeOutputRecord(dst: Float64Array, at: number, events: Float64Array, from: number, accepted: boolean, outputs: Float64Array): void {
  dst[at] = events[from + 1];
  dst[at + 1] = accepted ? 1 : 0;
  for (let i = 0; i < outputs.length; i++) dst[at + OUTPUT_HEADER + i] = outputs[i];
}
