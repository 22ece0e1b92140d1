/**
 * Latencies between the strategy and the exchange, in nanoseconds. `feed`: from the exchange to the
 * strategy for market data (an event recorded at local time t happened at the exchange at t - feed);
 * `entry`: an order message from the strategy to the exchange; `response`: a reply back.
 *
 * A table holds samples by local time; the latency at time t is that of the last sample at or before
 * t (the first sample before it). Messages on one connection stay in order whatever the samples say
 * (TCP): a message never overtakes the previous one.
 */
export type LatencyModel =
  | { readonly kind: "constant"; readonly feed: number; readonly entry: number; readonly response: number }
  | {
      readonly kind: "table";
      readonly t: Float64Array;
      readonly feed: Float64Array;
      readonly entry: Float64Array;
      readonly response: Float64Array;
    };

export type LatencyLeg = "feed" | "entry" | "response";

export function constantLatency(feed: number, entry: number, response = entry): LatencyModel {
  return { kind: "constant", feed, entry, response };
}

/** The latency of `leg` at local time t. */
export function latencyAt(model: LatencyModel, leg: LatencyLeg, t: number): number {
  if (model.kind === "constant") return model[leg];
  const times = model.t;
  let lo = 0;
  let hi = times.length - 1;
  if (t <= times[0]) return model[leg][0];
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return model[leg][lo];
}

export interface LatencyFileError {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

const HEADER = "t,feed,entry,response";

/**
 * A latency file: the header `t,feed,entry,response`, then one sample a line, whole nanoseconds,
 * times strictly increasing (`#` lines and blank lines skipped). Every bad line is reported.
 */
export function parseLatencyCsv(text: string): LatencyModel | { errors: LatencyFileError[] } {
  const errors: LatencyFileError[] = [];
  const rows: number[][] = [];
  let header = false;
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    if (!header) {
      header = true;
      if (line.replace(/\s+/g, "") !== HEADER) errors.push({ line: i + 1, column: 1, message: `the header must be "${HEADER}"` });
      return;
    }
    const cells = line.split(",");
    if (cells.length !== 4) {
      errors.push({ line: i + 1, column: 1, message: `expected 4 values (t, feed, entry, response), got ${cells.length}` });
      return;
    }
    const row: number[] = [];
    let column = 1;
    for (const cell of cells) {
      const v = cell.trim();
      const n = Number(v);
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) {
        errors.push({ line: i + 1, column, message: `${JSON.stringify(v)} is not a whole number of nanoseconds` });
        return;
      }
      row.push(n);
      column += cell.length + 1;
    }
    if (rows.length && row[0] <= rows[rows.length - 1][0]) {
      errors.push({ line: i + 1, column: 1, message: `time ${row[0]} does not come after the previous sample's ${rows[rows.length - 1][0]}` });
      return;
    }
    rows.push(row);
  });
  if (!header) errors.push({ line: 1, column: 1, message: `the file is empty; it needs the header "${HEADER}" and at least one sample` });
  else if (!rows.length && !errors.length) errors.push({ line: 1, column: 1, message: "no samples after the header" });
  if (errors.length) return { errors };
  const column = (k: number) => Float64Array.from(rows, (r) => r[k]);
  return { kind: "table", t: column(0), feed: column(1), entry: column(2), response: column(3) };
}
