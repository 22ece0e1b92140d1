import { readFileSync, writeFileSync } from "node:fs";
import type { Divergence } from "./run-agreement.js";
import { isParamStep, type StreamStep } from "./streams.js";
import { HDL_TOPS, type HdlTop } from "../hdl/hdl-top.js";
import { isHardware, TARGETS, type Origin, type Target } from "./load-targets.js";

/** A failing stream, saved so that `lockstep replay FILE` can run it again. BigInts are decimal strings. */
export interface Replay {
  readonly source: string;
  readonly targets: readonly Target[];
  readonly origin: Origin;
  readonly seed: number;
  readonly params: readonly bigint[];
  readonly stream: readonly StreamStep[];
  readonly divergence: Divergence;
  /** The HDL top the circuits ran, when not the engine: a gateway's stream is compared on its slice. */
  readonly top?: HdlTop;
  /** VCD files of the stream through the circuit that disagreed, written next to the replay file. */
  readonly waveforms?: readonly string[];
}

const FORMAT = "lockstep-replay/1";

/** JSON has no BigInt, NaN or Infinity: BigInts are written "123n", the others "#NaN", "#Infinity". */
const encode = (_k: string, v: unknown) =>
  typeof v === "bigint" ? `${v}n` : typeof v === "number" && !Number.isFinite(v) ? `#${v}` : v;

const decode = (_k: string, v: unknown) => {
  if (typeof v !== "string") return v;
  if (/^-?\d+n$/.test(v)) return BigInt(v.slice(0, -1));
  if (v === "#NaN" || v === "#Infinity" || v === "#-Infinity") return Number(v.slice(1));
  return v;
};

export function writeReplay(path: string, r: Replay): void {
  const json = JSON.stringify({ format: FORMAT, ...r }, encode, 2);
  writeFileSync(path, `${json}\n`);
}

/** Reads a replay file; anything malformed is an error message, never an exception. */
export function readReplay(path: string): Replay | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"), decode);
  } catch (e) {
    return { error: `${path}: not a readable replay file (${e instanceof Error ? e.message : String(e)})` };
  }
  const problem = shapeProblem(data);
  return problem ? { error: `${path}: not a valid ${FORMAT} file: ${problem}` } : (data as Replay);
}

const isBigints = (x: unknown): x is bigint[] => Array.isArray(x) && x.every((v) => typeof v === "bigint");

/** What is wrong with a parsed replay, checked field by field, or undefined. */
function shapeProblem(data: unknown): string | undefined {
  const r = data as Record<string, unknown> | null;
  if (typeof r !== "object" || r === null || r.format !== FORMAT) return `the format is not ${FORMAT}`;
  if (typeof r.source !== "string") return "no source file";
  if (!isBigints(r.params)) return "params must be a list of integers";
  if (!Array.isArray(r.targets) || r.targets.length === 0 || !r.targets.every((t) => (TARGETS as readonly unknown[]).includes(t)))
    return `targets must be a non-empty list of ${TARGETS.join(", ")}`;
  if (r.top !== undefined && !(HDL_TOPS as readonly unknown[]).includes(r.top)) return `top must be one of ${HDL_TOPS.join(", ")}`;
  if (r.top === "gateway" && !(r.targets as Target[]).every(isHardware)) return "a gateway is a circuit: its targets must be verilog or vhdl";
  if (r.waveforms !== undefined && !(Array.isArray(r.waveforms) && r.waveforms.every((w) => typeof w === "string"))) return "waveforms must be a list of file names";
  const o = r.origin as Record<string, unknown> | null;
  if (typeof o !== "object" || o === null || !(o.kind === "fresh" || (o.kind === "artifacts" && typeof o.dir === "string")))
    return 'origin must be {"kind": "fresh"} or {"kind": "artifacts", "dir": "..."}';
  if (!Array.isArray(r.stream)) return "stream must be a list of steps";
  for (const [i, s] of r.stream.entries()) {
    const step = s as Record<string, unknown> | null;
    if (typeof step !== "object" || step === null || !["kind", "t", "a", "b", "c", "d"].every((k) => typeof step[k] === "number"))
      return `step ${i} needs numbers kind, t, a, b, c, d`;
    if (isParamStep(step as unknown as StreamStep) && !isBigints(step.params)) return `step ${i} reloads or resets without a list of integer params`;
  }
  return undefined;
}
