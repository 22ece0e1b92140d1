/**
 * Level-2 book updates, stored column-wise like an `EventTape` so that replaying them allocates
 * nothing. Row i sets the quantity resting at one price on one side; quantity 0 deletes the level.
 * A row with `snapshot[i] = 1` starts a full snapshot of its side: the levels of that side before it
 * are cleared (Hyperliquid's `l2Book` sends snapshots, Binance's `depth@100ms` sends increments).
 *
 * Times are nanoseconds since the session start, prices ticks, quantities lots: the units of the
 * event tape the strategy reads, so the exchange simulator can merge both by time.
 */
export interface DepthTape {
  readonly length: number;
  readonly t: Float64Array;
  /** +1 bid, -1 ask */
  readonly side: Int8Array;
  readonly price: Float64Array;
  readonly qty: Float64Array;
  readonly snapshot: Uint8Array;
}

export function allocateDepthTape(length: number): DepthTape {
  return {
    length,
    t: new Float64Array(length),
    side: new Int8Array(length),
    price: new Float64Array(length),
    qty: new Float64Array(length),
    snapshot: new Uint8Array(length),
  };
}
