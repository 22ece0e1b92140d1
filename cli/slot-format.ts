/**
 * A slot value as text: raw / 2^frac written out exactly. A dyadic fraction always has a finite decimal
 * expansion (raw / 2^frac = raw * 5^frac / 10^frac), so nothing is rounded: the text parses back to the
 * same rational, and to the same double whenever the value is one.
 */
export function exactDecimal(raw: bigint, frac: number): string {
  if (frac === 0) return raw.toString();
  const sign = raw < 0n ? "-" : "";
  const digits = ((raw < 0n ? -raw : raw) * 5n ** BigInt(frac)).toString().padStart(frac + 1, "0");
  const whole = digits.slice(0, digits.length - frac);
  const fraction = digits.slice(digits.length - frac).replace(/0+$/, "");
  return `${sign}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** How `lockstep step` prints a slot: its value in the slot's own units, or the raw integer (`--raw`). */
export function slotText(raw: bigint, frac: number, asRaw: boolean): string {
  return asRaw ? raw.toString() : exactDecimal(raw, frac);
}
