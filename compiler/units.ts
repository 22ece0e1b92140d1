/** Units as exponent vectors over ticks (price), lots (qty) and nanoseconds (time). */
export interface Unit {
  readonly price: number;
  readonly qty: number;
  readonly time: number;
}

export const NONE: Unit = { price: 0, qty: 0, time: 0 };
export const PRICE: Unit = { price: 1, qty: 0, time: 0 };
export const QTY: Unit = { price: 0, qty: 1, time: 0 };
export const TIME: Unit = { price: 0, qty: 0, time: 1 };

export const sameUnit = (a: Unit, b: Unit) => a.price === b.price && a.qty === b.qty && a.time === b.time;
export const mulUnit = (a: Unit, b: Unit): Unit => ({
  price: a.price + b.price,
  qty: a.qty + b.qty,
  time: a.time + b.time,
});
export const divUnit = (a: Unit, b: Unit): Unit => ({
  price: a.price - b.price,
  qty: a.qty - b.qty,
  time: a.time - b.time,
});
export const isNone = (u: Unit) => sameUnit(u, NONE);

export function showUnit(u: Unit): string {
  const parts: string[] = [];
  const part = (name: string, e: number) => {
    if (e === 1) parts.push(name);
    else if (e !== 0) parts.push(`${name}^${e}`);
  };
  part("ticks", u.price);
  part("lots", u.qty);
  part("ns", u.time);
  return parts.length ? parts.join("·") : "a plain number";
}
