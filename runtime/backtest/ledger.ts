/**
 * Our account in the instrument's units: position in lots, cash in tick·lot units (price in ticks ×
 * qty in lots; × tick × lot × multiplier gives the quote currency). Cash moves by exactly price × qty per
 * fill, an integer, so cash + position × mark is exact; fees are kept apart (fractional).
 */
export class Ledger {
  position = 0;
  cash = 0;
  fees = 0;
  fills = 0;
  makerFills = 0;
  takerFills = 0;
  volume = 0;
  notional = 0;
  minPosition = 0;
  maxPosition = 0;
  /** Average entry price of the open position, ticks. */
  averageCost = 0;
  /** P&L of closed quantity against the average cost, tick·lot units, before fees. */
  realized = 0;

  apply(price: number, qty: number, side: number, fee: number, taker: boolean): void {
    this.fills++;
    if (taker) this.takerFills++;
    else this.makerFills++;
    this.volume += qty;
    this.notional += price * qty;
    this.fees += fee;
    this.cash -= side * price * qty;
    const pos = this.position;
    const closing = pos * side < 0 ? Math.min(qty, Math.abs(pos)) : 0;
    if (closing > 0) this.realized += closing * (price - this.averageCost) * Math.sign(pos);
    const next = pos + side * qty;
    const opened = qty - closing;
    if (next === 0) this.averageCost = 0;
    else if (opened > 0) this.averageCost = pos * side > 0 ? (this.averageCost * Math.abs(pos) + price * opened) / Math.abs(next) : price;
    this.position = next;
    if (next < this.minPosition) this.minPosition = next;
    if (next > this.maxPosition) this.maxPosition = next;
  }

  /** cash + position × mark - fees: the whole P&L marked at `mark` (ticks), tick·lot units. */
  marked(mark: number): number {
    return this.cash + this.position * mark - this.fees;
  }
}
