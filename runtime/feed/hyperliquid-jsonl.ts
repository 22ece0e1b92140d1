/**
 * Reads hftbacktest's Hyperliquid recordings (`<receive ns> <JSON>` per line, the websocket messages as
 * sent): an `l2Book` message is a full snapshot of both sides, which becomes a book event (the best
 * levels) and a depth snapshot on the DepthTape; a `trades` message holds one or more trades, each a
 * trade event. Prices (`px`) and sizes (`sz`) are decimal strings, converted to ticks and lots exactly.
 */
import { EventKind } from "../event-tape.js";
import { stepConverter } from "./decimal-steps.js";
import { arrayField, bookEvent, LineCursor, LineRejected, lineSteps, objectField, readJsonlLines, stringField, type JsonlResult, type Steps } from "./jsonl-lines.js";
import type { TapeBuilder } from "./tape-builder.js";

export interface HyperliquidJsonlOptions {
  readonly tick: string;
  readonly lot: string;
  readonly instrument?: string;
}

/** Other channels (subscription responses, pongs) carry no market data and are skipped. */
export function parseHyperliquidJsonl(text: string, opts: HyperliquidJsonlOptions): JsonlResult {
  const cursor = new LineCursor();
  const steps = lineSteps(stepConverter(opts.tick, "tick"), stepConverter(opts.lot, "lot"), opts.instrument ?? "the instrument", cursor);
  // one instrument per recording: the first coin seen is the recording's
  let coin: string | undefined;
  const sameCoin = (m: Record<string, unknown>) => {
    const c = stringField(m, "coin");
    coin ??= c;
    if (c !== coin) throw new LineRejected(`coin ${c}, but the recording is of ${coin}; split it into one recording per coin`);
  };
  const read = (msg: object, t: number, out: TapeBuilder): boolean => {
    const m = msg as Record<string, unknown>;
    switch (m.channel) {
      case "l2Book": {
        const data = objectField(m, "data");
        sameCoin(data);
        const levels = arrayField(data, "levels");
        if (levels.length !== 2 || !levels.every(Array.isArray)) throw new LineRejected("levels must be two arrays, bids then asks");
        const [bids, asks] = levels as unknown[][];
        const bid = side(steps, bids, 1, t, out);
        const ask = side(steps, asks, -1, t, out);
        // a book event needs both sides; a one-sided snapshot still updates the depth
        if (bid && ask) bookEvent(out, t, bid.price, bid.qty, ask.price, ask.qty);
        return true;
      }
      case "trades": {
        const trades = arrayField(m, "data");
        trades.forEach((x, i) => {
          if (typeof x !== "object" || x === null) throw new LineRejected(`trade ${i + 1} is not an object`);
          const tr = x as Record<string, unknown>;
          sameCoin(tr);
          const price = steps.price(stringField(tr, "px"), `trade ${i + 1} price`);
          const qty = steps.qty(stringField(tr, "sz"), `trade ${i + 1} size`);
          const s = stringField(tr, "side");
          // the side is the taker's: B bought (lifted the ask), A sold (hit the bid)
          if (s !== "B" && s !== "A") throw new LineRejected(`trade ${i + 1} side is ${JSON.stringify(s)}, expected "B" or "A"`);
          out.event(EventKind.trade, t, price, qty, s === "B" ? 1 : -1, 0);
        });
        return trades.length > 0;
      }
      default:
        if (typeof m.channel !== "string") throw new LineRejected("no channel field");
        return false;
    }
  };
  return readJsonlLines(text, read, cursor);
}

/** One side of a snapshot as depth rows (the first marked as a snapshot); its best level, if any. */
function side(steps: Steps, levels: unknown[], s: 1 | -1, t: number, out: TapeBuilder): { price: number; qty: number } | undefined {
  const name = s === 1 ? "bid" : "ask";
  if (levels.length === 0) out.level(t, s, 0, 0, true);
  let best: { price: number; qty: number } | undefined;
  let last = 0;
  levels.forEach((x, i) => {
    if (typeof x !== "object" || x === null) throw new LineRejected(`${name} level ${i + 1} is not an object`);
    const level = x as Record<string, unknown>;
    const price = steps.price(stringField(level, "px"), `${name} level ${i + 1} price`);
    const qty = steps.qty(stringField(level, "sz"), `${name} level ${i + 1} size`);
    // the best level is the first: a side out of order, or a level of no size, would make it a wrong one
    if (qty === 0) throw new LineRejected(`${name} level ${i + 1} has size 0`);
    if (best !== undefined && (price - last) * s >= 0) throw new LineRejected(`${name} level ${i + 1} price is not ${s === 1 ? "below" : "above"} level ${i}'s: a side is sorted best first`);
    out.level(t, s, price, qty, i === 0);
    best ??= { price, qty };
    last = price;
  });
  return best;
}
