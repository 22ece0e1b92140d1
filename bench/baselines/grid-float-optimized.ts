/**
 * examples/grid.lstep's quoting step (four layers of quotes around the mid, skewed by inventory), written
 * by hand in float64 the way a careful engineer would: state in locals, columns read straight from the
 * tape, nothing allocated. Prices in ticks, as the tape holds them.
 */
import { EventKind, type EventTape } from "../../runtime/event-tape.js";

export const GRID_PARAMS = { gridStep: 25, skewPerLot: 0.002, orderQty: 500, maxPos: 20_000, levels: 4 } as const;

const BOOK = EventKind.book;
const FILL = EventKind.fill;

/** Runs the model over the tape and returns the sum of all quoted bids and asks, every layer. */
export function runGridOptimized(tape: EventTape): number {
  const { gridStep, skewPerLot, orderQty, maxPos, levels } = GRID_PARAMS;
  const { kind, a, b, c } = tape;
  const n = tape.length;
  let position = 0;
  let checksum = 0;
  for (let i = 0; i < n; i++) {
    const kd = kind[i];
    if (kd === BOOK) {
      const mid = (a[i] + c[i]) / 2;
      const skew = skewPerLot * position;
      const bidQty = position + orderQty > maxPos ? 0 : orderQty;
      const askQty = position - orderQty < -maxPos ? 0 : orderQty;
      for (let level = 0; level < levels; level++) {
        const offset = gridStep * (1 + level);
        const bidPx = Math.floor(mid - offset - skew);
        const askPx = Math.ceil(mid + offset - skew);
        checksum += bidPx + askPx + bidQty + askQty;
      }
    } else if (kd === FILL) {
      position += c[i] * b[i];
    }
  }
  return checksum;
}
