/**
 * What the WebAssembly module's `load_params` returns: 0 when the file was loaded, else why it was
 * refused (the checks of runtime/param-file.ts, in its order). A host maps the code to a message.
 */
export const PARAM_FILE_CODES = [
  "loaded",
  "the length is not the header and the values this program's layout needs (truncated, or trailing bytes)",
  'not a Lockstep parameter file (no "LSTEPPAR" magic)',
  "another parameter file version",
  "written for another parameter layout",
  "the value counts do not match the layout",
  "the checksum does not match the values",
] as const;

/** FIRST_RANGE_CODE + k: the value of parameter slot k is outside its range. */
export const FIRST_RANGE_CODE = PARAM_FILE_CODES.length;

export function paramFileRefusal(code: number): string {
  return code >= FIRST_RANGE_CODE ? `parameter slot ${code - FIRST_RANGE_CODE} is outside its range` : (PARAM_FILE_CODES[code] ?? `unknown code ${code}`);
}
