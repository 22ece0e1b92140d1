import { allocateTape, type EventTape } from "../event-tape.js";
import { allocateDepthTape, type DepthTape } from "./depth-tape.js";

/**
 * Growable columns for the feed readers: a line of a recording may hold any number of events (a
 * Hyperliquid `trades` message) and depth levels (an `l2Book` snapshot), so the size is not known up front.
 */
export class TapeBuilder {
  private tape: EventTape = allocateTape(1024);
  private depth: DepthTape = allocateDepthTape(1024);
  private events = 0;
  private levels = 0;

  get eventCount(): number {
    return this.events;
  }

  get depthCount(): number {
    return this.levels;
  }

  event(kind: number, t: number, a: number, b: number, c: number, d: number): void {
    if (this.events === this.tape.length) this.tape = copyTape(this.tape, this.events, 2 * this.tape.length);
    const at = this.events++;
    const x = this.tape;
    x.kind[at] = kind;
    x.t[at] = t;
    x.a[at] = a;
    x.b[at] = b;
    x.c[at] = c;
    x.d[at] = d;
  }

  level(t: number, side: 1 | -1, price: number, qty: number, snapshot: boolean): void {
    if (this.levels === this.depth.length) this.depth = copyDepth(this.depth, this.levels, 2 * this.depth.length);
    const at = this.levels++;
    const x = this.depth;
    x.t[at] = t;
    x.side[at] = side;
    x.price[at] = price;
    x.qty[at] = qty;
    x.snapshot[at] = snapshot ? 1 : 0;
  }

  /** Where the columns end now, to take a rejected line's rows back with `rollback`. */
  mark(): { events: number; levels: number } {
    return { events: this.events, levels: this.levels };
  }

  rollback(mark: { events: number; levels: number }): void {
    this.events = mark.events;
    this.levels = mark.levels;
  }

  /** The columns, trimmed to what was written. */
  finish(): { tape: EventTape; depth: DepthTape } {
    return { tape: copyTape(this.tape, this.events, this.events), depth: copyDepth(this.depth, this.levels, this.levels) };
  }
}

function copyTape(from: EventTape, count: number, length: number): EventTape {
  const to = allocateTape(length);
  for (const key of ["kind", "t", "a", "b", "c", "d"] as const) to[key].set(from[key].subarray(0, count));
  return to;
}

function copyDepth(from: DepthTape, count: number, length: number): DepthTape {
  const to = allocateDepthTape(length);
  for (const key of ["t", "side", "price", "qty", "snapshot"] as const) to[key].set(from[key].subarray(0, count));
  return to;
}
