/**
 * The solver by bisection: for a score g(x) of one input field x (a - b of a comparison to flip, a table
 * index minus the entry wanted), find where the sign of g changes, holding the rest of the stream
 * fixed. g is usually monotone in the field, but need not be: points around `start` at doubling
 * distances (galloping) and both range ends bracket a change, then bisection narrows it to one step.
 * `undefined` from g means the event is refused there (out of range, time going back): skipped.
 */
export type Score = (x: bigint) => bigint | undefined;

export interface Boundary {
  /** The first x, walking up from `below`, where g's sign differs from g(below). */
  readonly at: bigint;
  readonly below: bigint;
  /** g at `at`. */
  readonly score: bigint;
}

export function samplePoints(lo: bigint, hi: bigint, start: bigint): bigint[] {
  const xs = new Set<bigint>([lo, hi]);
  const s = start < lo ? lo : start > hi ? hi : start;
  xs.add(s);
  for (let k = 0n; k < 62n; k++) {
    const d = 1n << k;
    if (s - d >= lo) xs.add(s - d);
    if (s + d <= hi) xs.add(s + d);
    if (s - d < lo && s + d > hi) break;
  }
  return [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const negative = (v: bigint) => v < 0n;

/**
 * Sign changes of g, nearest `start` first, each narrowed to adjacent integers. Galloping outward from
 * start (distance 1, 2, 4, ... on each side, then the range ends) stops at the first `limit` changes,
 * so a target near the current value costs a few evaluations, a far one about 3 log2(distance).
 */
export function boundaries(g: Score, lo: bigint, hi: bigint, start: bigint, limit = 2): Boundary[] {
  const s = start < lo ? lo : start > hi ? hi : start;
  const out: Boundary[] = [];
  const g0 = g(s);
  const sides: { last: bigint; sign: boolean | undefined; done: boolean; dir: bigint }[] = [
    { last: s, sign: g0 === undefined ? undefined : negative(g0), done: false, dir: 1n },
    { last: s, sign: g0 === undefined ? undefined : negative(g0), done: false, dir: -1n },
  ];
  for (let k = 0n; k < 64n && out.length < limit && sides.some((x) => !x.done); k++)
    for (const side of sides) {
      if (side.done || out.length >= limit) continue;
      let x = s + side.dir * (1n << k);
      if (x > hi || x < lo) {
        x = side.dir > 0n ? hi : lo;
        side.done = true;
        if (x === side.last) continue;
      }
      const v = g(x);
      if (v === undefined) continue;
      if (side.sign !== undefined && negative(v) !== side.sign) {
        const found = side.dir > 0n ? bisect(g, side.last, x) : bisect(g, x, side.last);
        if (found) out.push(found);
        side.done = true;
      }
      side.last = x;
      side.sign = negative(v);
    }
  return out;
}

function bisect(g: Score, a: bigint, b: bigint): Boundary | undefined {
  const sa = negative(g(a)!);
  let [x, y] = [a, b];
  while (y - x > 1n) {
    let m = x + (y - x) / 2n;
    let v = g(m);
    // a refused value: the nearest accepted one inside the bracket stands in for it
    for (let d = 1n; v === undefined && d <= 4n; d++)
      for (const c of [m + d, m - d])
        if (v === undefined && c > x && c < y) {
          v = g(c);
          if (v !== undefined) m = c;
        }
    // nothing accepted strictly inside: the bracket is as tight as the accepted values allow
    if (v === undefined) break;
    if (negative(v) === sa) x = m;
    else y = m;
  }
  const score = g(y);
  return score === undefined ? undefined : { at: y, below: x, score };
}

/** The sampled x whose score is nearest 0: a step toward a target the field cannot reach at once. */
export function nearest(g: Score, lo: bigint, hi: bigint, start: bigint): { x: bigint; score: bigint } | undefined {
  let best: { x: bigint; score: bigint } | undefined;
  const abs = (v: bigint) => (v < 0n ? -v : v);
  for (const x of samplePoints(lo, hi, start)) {
    const v = g(x);
    if (v !== undefined && (!best || abs(v) < abs(best.score))) best = { x, score: v };
  }
  return best;
}
