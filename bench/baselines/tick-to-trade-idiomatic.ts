/**
 * Tick-to-trade written the way a typical TypeScript service would: each market message arrives as
 * JSON text and is parsed into objects, the Avellaneda–Stoikov model (the idiomatic baseline of
 * as-idiomatic.ts) returns a quote object, an order object per changed side goes through a risk check
 * on objects and leaves as JSON bytes. Deliberately not tuned: it is what the compiled path is
 * measured against.
 */
import { EventKind, type EventFields, type EventTape } from "../../runtime/event-tape.js";
import { AvellanedaStoikov } from "./as-idiomatic.js";

interface Order {
  id: number;
  symbol: string;
  side: "BUY" | "SELL";
  type: "LIMIT";
  timeInForce: "GTX";
  price: string;
  quantity: string;
}

const TICK = 0.01;
const LOT = 0.00001;
const RISK = { maxPosition: 0.1, maxOrderQty: 0.1, maxNotional: 10_000, priceBandTicks: 500 };

/** The tape's rows as the Binance messages they came from (bookTicker and trade), one JSON text each. */
export function binanceLines(tape: EventTape): string[] {
  const lines: string[] = [];
  for (let i = 0; i < tape.length; i++) {
    const px = (ticks: number) => (ticks * TICK).toFixed(8);
    const qty = (lots: number) => (lots * LOT).toFixed(8);
    if (tape.kind[i] === EventKind.book)
      lines.push(JSON.stringify({ stream: "btcusdt@bookTicker", data: { u: i, s: "BTCUSDT", b: px(tape.a[i]), B: qty(tape.b[i]), a: px(tape.c[i]), A: qty(tape.d[i]) } }));
    else lines.push(JSON.stringify({ stream: "btcusdt@trade", data: { e: "trade", E: tape.t[i], s: "BTCUSDT", t: i, p: px(tape.a[i]), q: qty(tape.b[i]), T: tape.t[i], m: tape.c[i] < 0 } }));
  }
  return lines;
}

/** The idiomatic service: one call per message; returns the order bytes it sent for it (first one), or null. */
export class IdiomaticTrader {
  private readonly model = new AvellanedaStoikov();
  private readonly live: { BUY: Order | null; SELL: Order | null } = { BUY: null, SELL: null };
  private nextId = 1;
  private mid = 0;
  private position = 0;
  sentBytes = 0;

  onMessage(line: string, t: number): string | null {
    const msg = JSON.parse(line) as { stream: string; data: Record<string, string | number | boolean> };
    const d = msg.data;
    let ev: EventFields;
    if (msg.stream.endsWith("@bookTicker")) {
      ev = { kind: EventKind.book, t, a: Math.round(parseFloat(d.b as string) / TICK), b: Math.round(parseFloat(d.B as string) / LOT), c: Math.round(parseFloat(d.a as string) / TICK), d: Math.round(parseFloat(d.A as string) / LOT) };
      this.mid = (ev.a + ev.c) / 2;
    } else ev = { kind: EventKind.trade, t, a: Math.round(parseFloat(d.p as string) / TICK), b: Math.round(parseFloat(d.q as string) / LOT), c: d.m ? -1 : 1, d: 0 };
    const quote = this.model.onEvent(ev);
    if (quote === null) return null;
    let first: string | null = null;
    for (const [side, price] of [["BUY", quote.bid], ["SELL", quote.ask]] as const) {
      const live = this.live[side];
      const order: Order = { id: this.nextId, symbol: "BTCUSDT", side, type: "LIMIT", timeInForce: "GTX", price: (price * TICK).toFixed(2), quantity: (100 * LOT).toFixed(5) };
      if (live !== null && live.price === order.price && live.quantity === order.quantity) continue;
      if (!this.riskCheck(order)) continue;
      this.nextId++;
      const bytes = JSON.stringify(live === null ? { action: "new", order } : { action: "replace", cancel: live.id, order });
      this.sentBytes += bytes.length;
      this.live[side] = order;
      first ??= bytes;
    }
    return first;
  }

  private riskCheck(o: Order): boolean {
    const qty = parseFloat(o.quantity);
    const price = parseFloat(o.price);
    const after = this.position + (o.side === "BUY" ? qty : -qty);
    if (Math.abs(after) > RISK.maxPosition || qty > RISK.maxOrderQty || qty * price > RISK.maxNotional) return false;
    return Math.abs(price / TICK - this.mid) <= RISK.priceBandTicks;
  }
}
