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

export function writeReplay(path: string, r: Replay): void {
  const json = JSON.stringify({ format: FORMAT, ...r }, (_k, v) => (typeof v === "bigint" ? `${v}n` : v), 2);
  writeFileSync(path, `${json}\n`);
}

/** Reads a replay file; anything malformed is an error message, never an exception. */
export function readReplay(path: string): Replay | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"), (_k, v) => (typeof v === "string" && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v));
  } catch (e) {
    return { error: `${path}: not a readable replay file (${e instanceof Error ? e.message : String(e)})` };
  }
  const r = data as Partial<Replay> & { format?: string };
  if (r?.format !== FORMAT || typeof r.source !== "string" || !Array.isArray(r.stream) || !Array.isArray(r.params) || !Array.isArray(r.targets))
    return { error: `${path}: not a ${FORMAT} file` };
  return r as Replay;
}
