/**
 * examples/glft.lstep's quoting step (Guéant–Lehalle–Fernandez-Tapia with an EWMA of mid changes), written
 * by hand in float64 the way a careful engineer would: state in locals, columns read straight from the
 * tape, the parameter-only terms c1 and c2 hoisted, nothing allocated. Prices in ticks, as the tape holds them.
 */
import { EventKind, type EventTape } from "../../runtime/event-tape.js";

export const GLFT_PARAMS = {
  A: 2.986162360812285,
  k: 0.04235741115084049,
  gamma: 0.05,
  xi: 0.05,
  delta: 1,
  orderQty: 10,
  maxPos: 200,
  alpha: 1 - Math.pow(2, -1 / 600), // the EWMA's weight for a half-life of 600 book updates
  volScale: 10,
} as const;

const BOOK = EventKind.book;
const FILL = EventKind.fill;

/** Runs the model over the tape and returns the sum of all quoted bids and asks. */
export function runGlftOptimized(tape: EventTape): number {
  const { A, k, gamma, xi, delta, orderQty, maxPos, alpha, volScale } = GLFT_PARAMS;
  const c1 = (1 / (xi * delta)) * Math.log(1 + (xi * delta) / k);
  const c2 = Math.min(Math.sqrt((gamma / (2 * A * delta * k)) * Math.pow(1 + (xi * delta) / k, k / (xi * delta) + 1)), 512);
  const halfDeltaC2 = (delta / 2) * c2;
  const { kind, a, b, c } = tape;
  const n = tape.length;
  let position = 0;
  let prevMid = 0;
  let varMid = 0;
  let checksum = 0;
  for (let i = 0; i < n; i++) {
    const kd = kind[i];
    if (kd === BOOK) {
      const bid = a[i];
      const ask = c[i];
      const mid = (bid + ask) / 2;
      const move = Math.min(Math.max(mid - prevMid, -8), 8);
      varMid += alpha * (move * move * Math.min(prevMid, 1) - varMid);
      const sigma = (Math.sqrt(Math.min(varMid, 1)) + Math.sqrt(Math.max(varMid, 1)) - 1) * volScale;
      const halfSpread = c1 + halfDeltaC2 * sigma;
      const q = Math.min(Math.max(position / orderQty, -1000), 1000);
      const shift = c2 * sigma * q;
      const bidPx = Math.min(Math.max(Math.floor(mid - halfSpread - shift), 1), bid);
      const askPx = Math.min(Math.max(Math.ceil(mid + halfSpread - shift), ask), 10_000_000);
      const bidQty = position >= maxPos ? 0 : orderQty;
      const askQty = position <= -maxPos ? 0 : orderQty;
      if (bidQty + askQty > 0) checksum += bidPx + askPx;
      prevMid = mid;
    } else if (kd === FILL) {
      position += c[i] * b[i];
    }
  }
  return checksum;
}
