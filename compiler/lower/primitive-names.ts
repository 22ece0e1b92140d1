/** The rolling-window primitives (`state s = rolling_max(x, last = N)`): see rolling-window.ts. */
export const ROLLING = ["rolling_max", "rolling_min", "rolling_sum", "rolling_mean"] as const;
export type Rolling = (typeof ROLLING)[number];
export const isRolling = (name: string): name is Rolling => (ROLLING as readonly string[]).includes(name);

/** Calls that declare a state (`state s = ewma(...)`), updated by Lockstep before the handler runs. */
export const isPrimitiveName = (name: string) => name === "ewma" || name === "vamp" || isRolling(name);
