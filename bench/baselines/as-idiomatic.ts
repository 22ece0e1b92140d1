/**
 * Avellaneda–Stoikov quoting written the way a typical TypeScript developer would: an object per
 * event, a class holding the state, a quote object per book update. It is the "no compiler" baseline
 * that the generated code is measured against, so it is deliberately not tuned.
 */
import { EventKind, type EventFields, type EventTape } from "../../runtime/event-tape.js";

export const AS_PARAMS = {
  gamma: 0.1,
  kappa: 1.5,
  horizonNs: 60e9,
  orderQty: 1, // part of the model's parameters; the quoting step below does not size orders
  alpha: 1 - Math.pow(2, -1 / 512), // EWMA of squared log returns with a half-life of 512 book updates
  vampDecay: 1 / 64,
  vampSkew: 2, // ticks
} as const;

type MarketEvent = EventFields;

interface Quote {
  bid: number;
  ask: number;
}

export class AvellanedaStoikov {
  position = 0;
  sigma2 = 0;
  prevMid = 0;
  buyVol = 0;
  sellVol = 0;

  constructor(readonly params: typeof AS_PARAMS = AS_PARAMS) {}

  onEvent(ev: MarketEvent): Quote | null {
    switch (ev.kind) {
      case EventKind.book:
        return this.onBook(ev);
      case EventKind.trade:
        this.onTrade(ev);
        return null;
      case EventKind.fill:
        this.position += ev.c * ev.b;
        return null;
      default:
        return null;
    }
  }

  private onBook(ev: MarketEvent): Quote {
    const { gamma, kappa, horizonNs, alpha, vampSkew } = this.params;
    const mid = (ev.a + ev.c) / 2;
    if (this.prevMid > 0) {
      const ret = Math.log(mid / this.prevMid);
      this.sigma2 += alpha * (ret * ret - this.sigma2);
    }
    this.prevMid = mid;
    const varTicks = this.sigma2 * mid * mid;
    const tau = (horizonNs - (ev.t % horizonNs)) / 1e9;
    const total = this.buyVol + this.sellVol;
    const pressure = total > 0 ? (this.buyVol - this.sellVol) / total : 0;
    const reservation = mid + vampSkew * pressure - this.position * gamma * varTicks * tau;
    const half = (gamma * varTicks * tau + (2 / gamma) * Math.log(1 + gamma / kappa)) / 2;
    return { bid: Math.floor(reservation - half), ask: Math.ceil(reservation + half) };
  }

  private onTrade(ev: MarketEvent): void {
    const decay = this.params.vampDecay;
    this.buyVol -= this.buyVol * decay;
    this.sellVol -= this.sellVol * decay;
    if (ev.c === 1) this.buyVol += ev.b;
    else this.sellVol += ev.b;
  }
}

/** Runs the model over the tape and returns the sum of all quoted bids and asks. */
export function runIdiomatic(tape: EventTape): number {
  const model = new AvellanedaStoikov();
  let checksum = 0;
  for (let i = 0; i < tape.length; i++) {
    const ev: MarketEvent = { kind: tape.kind[i], t: tape.t[i], a: tape.a[i], b: tape.b[i], c: tape.c[i], d: tape.d[i] };
    const quote = model.onEvent(ev);
    if (quote !== null) checksum += quote.bid + quote.ask;
  }
  return checksum;
}
