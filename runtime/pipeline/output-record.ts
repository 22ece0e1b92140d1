/**
 * What the strategy worker sends on per event: [t, accepted (1 or 0), outputs...], one float64 each,
 * in the order of the program's outputs (quote_valid, quote_bid, ... for a market maker).
 */
export const OUTPUT_HEADER = 2;

export const outputRecordSize = (outputCount: number): number => OUTPUT_HEADER + outputCount;

export function writeOutputRecord(dst: Float64Array, at: number, t: number, accepted: boolean, outputs: Float64Array): void {
  dst[at] = t;
  dst[at + 1] = accepted ? 1 : 0;
  for (let i = 0; i < outputs.length; i++) dst[at + OUTPUT_HEADER + i] = outputs[i];
}
