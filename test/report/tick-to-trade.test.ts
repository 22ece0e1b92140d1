import { describe, expect, it } from "vitest";
import { EventKind } from "../../runtime/event-tape.js";
import { LatencyKind, RecordType } from "../../runtime/log/log-format.js";
import { LogReader } from "../../runtime/log/log-reader.js";
import { encodeHeader, memorySink } from "../../runtime/log/log-writer.js";
import { TickToTrade } from "../../runtime/latency/tick-to-trade.js";

const header = encodeHeader(new Uint8Array(32), { program: "p", source: "p.lstep", instrument: { name: "X", tick: "0.01", lot: "1" }, outputs: [], data: "d", simulator: {} });

describe("TickToTrade", () => {
  it("samples a market event's first order action only; a fill or timer in between ends the wait; samples logged on demand", () => {
    const probe = new TickToTrade();
    const outputs = new Float64Array(3);
    const engine = probe.engine({ step: () => true, outputs });
    const mem = memorySink();
    const log = probe.writer(mem.sink, header, true);
    const order = (t: number) => log.record(RecordType.order, 1, 0, t, t, 100, 1, 1, 0);
    engine.step(EventKind.book, 1, 100, 1, 101, 1);
    engine.step(EventKind.order, 1, 100, 1, 1, 0); // its risk check: still the same wait
    order(1); // sample 1
    order(2); // a second action of the same event: no sample
    engine.step(EventKind.trade, 3, 100, 1, 1, 0); // sends nothing
    engine.step(EventKind.fill, 4, 100, 1, 1, 0);
    order(4); // made by the fill: no sample
    engine.step(EventKind.book, 5, 100, 1, 101, 1);
    engine.step(EventKind.timer, 6, 0, 0, 0, 0);
    order(6); // made by the timer: no sample
    engine.step(EventKind.book, 7, 100, 1, 101, 1);
    order(7); // sample 2
    log.flush();
    expect(probe.figures().samples).toBe(2);
    expect(engine.outputs).toBe(outputs);
    const r = new LogReader(mem.bytes());
    const types = Array.from({ length: r.length }, (_, i) => [r.type(i), r.type(i) === RecordType.latency ? r.aux(i) : r.id(i)]);
    expect(types).toEqual([
      [RecordType.order, 1],
      [RecordType.latency, LatencyKind.wallTickToTrade],
      [RecordType.order, 2],
      [RecordType.order, 4],
      [RecordType.order, 6],
      [RecordType.order, 7],
      [RecordType.latency, LatencyKind.wallTickToTrade],
    ]);
    expect(r.field(1, 0)).toBeGreaterThan(0);
  });
});
