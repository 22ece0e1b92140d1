import { PARAM_FILE_HEADER, PARAM_FILE_MAGIC, PARAM_FILE_VERSION, paramChecksum, type ParamLayout } from "./param-file.js";

/** The bytes of a parameter file (format in param-file.ts) for a full vector already validated against `layout`. */
export function encodeParamFile(layout: ParamLayout, values: readonly bigint[]): Uint8Array {
  if (values.length !== layout.slots.length) throw new RangeError(`expected ${layout.slots.length} values, got ${values.length}`);
  const size = PARAM_FILE_HEADER + 8 * values.length;
  const bytes = new Uint8Array(size);
  const v = new DataView(bytes.buffer);
  for (let i = 0; i < 8; i++) bytes[i] = PARAM_FILE_MAGIC.charCodeAt(i);
  v.setUint32(8, PARAM_FILE_VERSION, true);
  v.setUint32(12, values.length, true);
  for (let i = 0; i < 8; i++) bytes[16 + i] = parseInt(layout.hash.slice(2 * i, 2 * i + 2), 16);
  v.setUint32(24, layout.baseCount, true);
  values.forEach((x, i) => v.setBigInt64(PARAM_FILE_HEADER + 8 * i, x, true));
  v.setUint32(28, paramChecksum(bytes, PARAM_FILE_HEADER, size), true);
  return bytes;
}
