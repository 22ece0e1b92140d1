/**
 * The same Avellaneda–Stoikov step as as-idiomatic.ts, hand-tuned: state in locals, columns read
 * straight from the typed arrays, nothing allocated in the loop and the constant spread term hoisted.
 * It is the "best a careful human does in float64" baseline. The arithmetic is kept in the same order
 * as the idiomatic version so both return the same checksum.
 */
import { EventKind, type EventTape } from "../../runtime/event-tape.js";
import { AS_PARAMS } from "./as-idiomatic.js";

const BOOK = EventKind.book;
const TRADE = EventKind.trade;
const FILL = EventKind.fill;

/** Runs the model over the tape and returns the sum of all quoted bids and asks. */
export function runOptimized(tape: EventTape): number {
  const { gamma, kappa, horizonNs, alpha, vampDecay, vampSkew } = AS_PARAMS;
  const spreadTerm = (2 / gamma) * Math.log(1 + gamma / kappa);
  const { kind, t, a, b, c } = tape;
  const n = tape.length;
  let position = 0;
  let sigma2 = 0;
  let prevMid = 0;
  let buyVol = 0;
  let sellVol = 0;
  let checksum = 0;
  for (let i = 0; i < n; i++) {
    const k = kind[i];
    if (k === BOOK) {
      const mid = (a[i] + c[i]) / 2;
      if (prevMid > 0) {
        const ret = Math.log(mid / prevMid);
        sigma2 += alpha * (ret * ret - sigma2);
      }
      prevMid = mid;
      const varTicks = sigma2 * mid * mid;
      const tau = (horizonNs - (t[i] % horizonNs)) / 1e9;
      const total = buyVol + sellVol;
      const pressure = total > 0 ? (buyVol - sellVol) / total : 0;
      const reservation = mid + vampSkew * pressure - position * gamma * varTicks * tau;
      const half = (gamma * varTicks * tau + spreadTerm) / 2;
      checksum += Math.floor(reservation - half) + Math.ceil(reservation + half);
    } else if (k === TRADE) {
      buyVol -= buyVol * vampDecay;
      sellVol -= sellVol * vampDecay;
      if (c[i] === 1) buyVol += b[i];
      else sellVol += b[i];
    } else if (k === FILL) {
      position += c[i] * b[i];
    }
  }
  return checksum;
}
