/** Columns that share one x column; NaN marks a missing value (drawn as a gap, sent as null). */
export interface Columns {
  readonly x: Float64Array;
  readonly ys: readonly Float64Array[];
}

/**
 * At most 2 × `buckets` rows: the x range cut into equal buckets, and for each non-empty bucket two
 * rows, every series' minimum then its maximum over the bucket. A line through them draws the same
 * envelope as all the rows at the chart's width, spikes included, which the last value per bucket
 * would hide. Columns with no more rows than that come back unchanged.
 */
export function downsampleMinMax(c: Columns, buckets: number): Columns {
  const n = c.x.length;
  if (n <= 2 * buckets) return c;
  const x0 = c.x[0];
  const width = (c.x[n - 1] - x0) / buckets;
  const x: number[] = [];
  const ys: number[][] = c.ys.map(() => []);
  let i = 0;
  while (i < n) {
    const bucket = Math.min(buckets - 1, Math.floor((c.x[i] - x0) / width));
    let j = i;
    while (j < n && Math.min(buckets - 1, Math.floor((c.x[j] - x0) / width)) === bucket) j++;
    x.push(c.x[i], c.x[j - 1]);
    c.ys.forEach((y, s) => {
      let lo = NaN;
      let hi = NaN;
      for (let k = i; k < j; k++) {
        const v = y[k];
        if (Number.isNaN(v)) continue;
        if (Number.isNaN(lo) || v < lo) lo = v;
        if (Number.isNaN(hi) || v > hi) hi = v;
      }
      ys[s].push(lo, hi);
    });
    i = j;
  }
  return { x: Float64Array.from(x), ys: ys.map((y) => Float64Array.from(y)) };
}
