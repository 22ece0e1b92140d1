/**
 * The parameter file (`P.bin`) that `lockstep params` writes and every engine loads, and its reader.
 * This file imports nothing: `compile` copies it verbatim into every emitted TypeScript module, so the
 * module a user deploys validates parameter files with exactly this tested code. All numbers are
 * little-endian.
 *
 *   offset  bytes  field
 *        0      8  magic "LSTEPPAR"
 *        8      4  u32 version (1)
 *       12      4  u32 slot count N: base parameters, then derived ones
 *       16      8  layout hash: the first 8 bytes of SHA-256 of the program's parameter layout
 *                  (names, formats, ranges, derived formulas; compiler/param-layout.ts)
 *       24      4  u32 base parameter count B
 *       28      4  u32 checksum: FNV-1a (32-bit) of the N·8 value bytes
 *       32    8·N  i64 values, raw fixed point (value · 2^frac), base then derived, as parameterVector lays them out
 */
export const PARAM_FILE_MAGIC = "LSTEPPAR";
export const PARAM_FILE_VERSION = 1;
export const PARAM_FILE_HEADER = 32;

/** What a program's parameter vector looks like: what a file must match to be loaded. */
export interface ParamLayout {
  /** 16 hex digits. */
  readonly hash: string;
  readonly baseCount: number;
  /** Every slot, base then derived, with the raw range a value must lie in. */
  readonly slots: readonly { readonly name: string; readonly lo: bigint; readonly hi: bigint }[];
}

/** FNV-1a, 32-bit, over bytes [from, to). */
export function paramChecksum(bytes: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h;
}

/**
 * Checks a whole parameter file against a layout and returns its values, or why it is refused (wrong
 * magic, version, layout, count or checksum, truncated, a value out of its slot's range). Nothing is
 * returned with a refusal, so a caller can keep its old parameters.
 */
export function readParamFile(bytes: Uint8Array, layout: ParamLayout): { values: bigint[] } | { error: string } {
  const n = layout.slots.length;
  if (bytes.length < PARAM_FILE_HEADER) return { error: `truncated: ${bytes.length} bytes, shorter than the ${PARAM_FILE_HEADER}-byte header` };
  let magic = "";
  for (let i = 0; i < 8; i++) magic += String.fromCharCode(bytes[i]);
  if (magic !== PARAM_FILE_MAGIC) return { error: `not a Lockstep parameter file (no "${PARAM_FILE_MAGIC}" magic); write one with lockstep params` };
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const version = v.getUint32(8, true);
  if (version !== PARAM_FILE_VERSION) return { error: `version ${version}; this engine reads version ${PARAM_FILE_VERSION}` };
  let hash = "";
  for (let i = 16; i < 24; i++) hash += bytes[i].toString(16).padStart(2, "0");
  if (hash !== layout.hash)
    return { error: `written for another parameter layout (hash ${hash}; this program's is ${layout.hash}): run lockstep params with this program` };
  const count = v.getUint32(12, true);
  if (count !== n || v.getUint32(24, true) !== layout.baseCount)
    return { error: `holds ${count} values (${v.getUint32(24, true)} base), but the layout has ${n} (${layout.baseCount} base): the file is corrupt` };
  const size = PARAM_FILE_HEADER + 8 * n;
  if (bytes.length < size) return { error: `truncated: ${bytes.length} bytes, ${size} expected for ${n} values` };
  if (bytes.length > size) return { error: `${bytes.length - size} bytes after the ${n} values: the file is corrupt` };
  if (paramChecksum(bytes, PARAM_FILE_HEADER, size) !== v.getUint32(28, true)) return { error: "the checksum does not match the values: the file is corrupt" };
  const values: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const x = v.getBigInt64(PARAM_FILE_HEADER + 8 * i, true);
    const s = layout.slots[i];
    if (x < s.lo || x > s.hi) return { error: `${s.name} = ${x} (raw) is outside its range [${s.lo}, ${s.hi}]` };
    values.push(x);
  }
  return { values };
}
