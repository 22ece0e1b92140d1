import { build, type Histogram } from "hdr-histogram-js";
import { EventKind } from "../event-tape.js";
import { LatencyKind, RecordType } from "../log/log-format.js";
import { LogWriter, type LogSink } from "../log/log-writer.js";
import type { StrategyEngine } from "../orders/strategy-engine.js";

/** Percentiles of a latency histogram, nanoseconds; zeros when it holds no sample. */
export interface LatencyFigures {
  readonly samples: number;
  readonly p50Ns: number;
  readonly p99Ns: number;
  readonly p999Ns: number;
  readonly maxNs: number;
}

const MAX_NS = 100e9;

/** 1 ns to 100 s at 3 significant digits; the plain JS histogram (no WebAssembly to load). */
export function latencyHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: MAX_NS, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

/** The histogram's range bounds a sample; one that is not a number of nanoseconds (from a damaged log) is left out. */
export function recordNs(h: Histogram, ns: number): void {
  if (ns >= 0) h.recordValue(Math.min(MAX_NS, Math.max(1, Math.round(ns))));
}

export function latencyFigures(h: Histogram): LatencyFigures {
  if (h.totalCount === 0) return { samples: 0, p50Ns: 0, p99Ns: 0, p999Ns: 0, maxNs: 0 };
  return { samples: h.totalCount, p50Ns: h.getValueAtPercentile(50), p99Ns: h.getValueAtPercentile(99), p999Ns: h.getValueAtPercentile(99.9), maxNs: h.maxValue };
}

/**
 * Tick-to-trade on the wall clock: from a market event handed to the strategy's step (the event is
 * already decoded) to the first order action that event makes the order manager send (there is no
 * order codec yet: the action is the end). An event that sends nothing gives no sample; a fill or timer
 * event in between ends the wait, so an order it makes is never charged to an earlier market event.
 * The risk check's `order` steps belong to the event being measured.
 *
 * It watches the run through its two seams, without touching the backtest loop: `engine()` wraps the
 * strategy engine (the start), `writer()` makes the log writer that sees every order action (the end).
 */
export class TickToTrade {
  readonly histogram = latencyHistogram();
  /** performance.now() when the waiting market event entered the strategy; -1 when none waits. */
  private start = -1;

  /** The strategy engine, with the start of each market event's wait marked. */
  engine(inner: StrategyEngine): StrategyEngine {
    return {
      step: (kind, t, a, b, c, d) => {
        if (kind === EventKind.book || kind === EventKind.trade) this.start = performance.now();
        else if (kind !== EventKind.order) this.start = -1;
        return inner.step(kind, t, a, b, c, d);
      },
      get outputs() {
        return inner.outputs;
      },
    };
  }

  /**
   * A log writer that ends the wait at each order action. With `logSamples`, each sample also goes
   * into the log as a latency record (LatencyKind.wallTickToTrade) right after its order record; without,
   * the log is byte for byte what a plain LogWriter writes.
   */
  writer(sink: LogSink, header: Uint8Array, logSamples: boolean): LogWriter {
    return new TimedLogWriter(sink, header, this, logSamples);
  }

  /** An order action goes out: the first of the waiting event's actions closes its sample (ns), else -1. */
  orderOut(): number {
    if (this.start < 0) return -1;
    const ns = Math.max(1, Math.round((performance.now() - this.start) * 1e6));
    this.start = -1;
    recordNs(this.histogram, ns);
    return ns;
  }

  figures(): LatencyFigures {
    return latencyFigures(this.histogram);
  }
}

class TimedLogWriter extends LogWriter {
  constructor(
    sink: LogSink,
    header: Uint8Array,
    private readonly probe: TickToTrade,
    private readonly logSamples: boolean,
  ) {
    super(sink, header);
  }

  override record(type: number, aux: number, level: number, id: number, t: number, a: number, b: number, c: number, d: number): void {
    const ns = type === RecordType.order ? this.probe.orderOut() : -1;
    super.record(type, aux, level, id, t, a, b, c, d);
    if (ns >= 0 && this.logSamples) super.record(RecordType.latency, LatencyKind.wallTickToTrade, level, id, t, ns, 0, 0, 0);
  }
}

/** A sink that keeps nothing: the writer for a run measured without a log file. */
export const discardSink: LogSink = () => {};
