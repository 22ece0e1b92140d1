import { Interpreter } from "../../compiler/interpret.js";
import type { IrProgram } from "../../compiler/ir.js";
import { loadable } from "../../targets/agreement/run-agreement.js";
import { RELOAD, type StreamStep } from "../../targets/agreement/streams.js";

/**
 * Streams as command files for bench/hdl/gateway_tb.v, with the verdicts the reference interpreter
 * gives for the same streams: what a hand-written gateway must reproduce beat for beat.
 */

/** The gateway's limit registers (cfg_addr) and the values avellaneda's risk block gives them. */
export const LIMIT_ADDRESSES = {
  max_position: 0,
  max_order_qty: 1,
  notional_cap: 2,
  band_width: 3,
  rate_interval: 4,
  rate_tolerance: 5,
} as const;

/** `risk Gateway` of examples/avellaneda.lstep; max_position comes from the pos_limit parameter. */
export const AVELLANEDA_LIMITS = {
  max_order_qty: 10_000n,
  // floor(10_000 / (lot * tick * multiplier)) = floor(10_000 / (0.00001 * 0.01 * 1))
  notional_cap: 100_000_000_000n,
  band_width: 500n,
  // max_messages 100 per 1ms: I = floor(1_000_000 / 100), tolerance (100 - 1) * I
  rate_interval: 10_000n,
  rate_tolerance: 990_000n,
} as const;

export interface Verdict {
  readonly ok: boolean;
  readonly accept: bigint;
  readonly reason: bigint;
}

export interface GatewayRun {
  /** One line per clock cycle, as gateway_tb.v reads them. */
  readonly commands: string[];
  /** The reference's verdict for every event beat, in order. */
  readonly expected: Verdict[];
  /** Which stream and step each beat came from, to report a disagreement. */
  readonly origin: { stream: number; step: number }[];
}

/** Cycles of idle before a reset or a config write, so that every event in flight has its verdict out. */
const DRAIN = 4;

const hex = (v: bigint, bits: number) => BigInt.asUintN(bits, v).toString(16);
const line = (op: number, ...fields: bigint[]) =>
  [op, ...fields, ...Array(6 - fields.length).fill(0n)].map((v) => hex(BigInt(v), 64)).join(" ");
const idle = () => Array.from({ length: DRAIN }, () => line(0));

const INT32_MIN = -(2n ** 31n);
const fitsInt32 = (v: bigint) => v >= INT32_MIN && v < 2n ** 31n;

/**
 * An event as the gateway's ports carry it. A wire carries integers only: an event with a field that is
 * not a safe integer, or an unknown kind, becomes kind 7 (no event), which the gateway must reject as
 * the reference rejects the original. A safe integer beyond 32 bits becomes -2^31, outside the range of
 * every field (and an unused field's value does not matter to either side).
 */
export function eventCommand(e: StreamStep): string {
  const all = [e.kind, e.t, e.a, e.b, e.c, e.d];
  if (!all.every(Number.isSafeInteger) || e.kind < 0 || e.kind > 5) return line(1, 7n);
  const field = (x: number) => (fitsInt32(BigInt(x)) ? BigInt(x) : INT32_MIN);
  return line(1, BigInt(e.kind), BigInt(e.t), field(e.a), field(e.b), field(e.c), field(e.d));
}

function configCommands(program: IrProgram, params: readonly bigint[]): string[] {
  const posLimit = program.params.findIndex((p) => p.name === "pos_limit");
  if (posLimit < 0) throw new Error(`${program.sourcePath} has no pos_limit parameter: not avellaneda's risk block`);
  const values: Record<keyof typeof LIMIT_ADDRESSES, bigint> = { ...AVELLANEDA_LIMITS, max_position: params[posLimit] };
  const writes = Object.entries(LIMIT_ADDRESSES).map(([name, addr]) =>
    line(2, BigInt(addr), values[name as keyof typeof LIMIT_ADDRESSES]),
  );
  return [...idle(), ...writes, line(3)];
}

/** Builds the command file for many streams (a reset before each) and the reference verdicts. */
export function gatewayRun(program: IrProgram, runs: readonly { base: readonly bigint[]; stream: readonly StreamStep[] }[]): GatewayRun {
  const accept = program.outputs.findIndex((o) => o.name === "accept");
  const reason = program.outputs.findIndex((o) => o.name === "reason");
  const reference = new Interpreter(program, true);
  const commands: string[] = [];
  const expected: Verdict[] = [];
  const origin: { stream: number; step: number }[] = [];
  runs.forEach(({ base, stream }, s) => {
    const params = loadable(program, base);
    if (!params) return;
    reference.reset(params);
    commands.push(...idle(), line(4), ...configCommands(program, params));
    stream.forEach((e, i) => {
      if (e.kind === RELOAD) {
        const next = loadable(program, e.params!);
        if (!next) return;
        reference.reload(next);
        commands.push(...configCommands(program, next));
        return;
      }
      const ok = reference.step(e.kind, e.t, e.a, e.b, e.c, e.d);
      expected.push({ ok, accept: reference.outputs[accept], reason: reference.outputs[reason] });
      origin.push({ stream: s, step: i });
      commands.push(eventCommand(e));
    });
  });
  commands.push(...idle());
  return { commands, expected, origin };
}

/** Parses gateway_tb.v's verdict lines. */
export function parseVerdicts(text: string): Verdict[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const [ok, accept, reason] = l.trim().split(/\s+/);
      return { ok: ok === "1", accept: BigInt(accept), reason: BigInt(reason) };
    });
}
