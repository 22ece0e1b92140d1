import { readFileSync, writeFileSync } from "node:fs";
import type { Divergence } from "./run-agreement.js";
import type { StreamStep } from "./streams.js";
import type { Origin, SoftwareTarget } from "./load-targets.js";

/** A failing stream, saved so that `lockstep replay FILE` can run it again. BigInts are decimal strings. */
export interface Replay {
  readonly source: string;
  readonly targets: readonly SoftwareTarget[];
  readonly origin: Origin;
  readonly seed: number;
  readonly params: readonly bigint[];
  readonly stream: readonly StreamStep[];
  readonly divergence: Divergence;
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
  const r = data as Partial<Replay> & { format?: string };
  if (r?.format !== FORMAT || typeof r.source !== "string" || !Array.isArray(r.stream) || !Array.isArray(r.params) || !Array.isArray(r.targets))
    return { error: `${path}: not a ${FORMAT} file` };
  return r as Replay;
}
