/**
 * An order-sensitive checksum of float64 records (FNV-1a over the low and high 32 bits of each value,
 * read as an integer): two streams that differ in one value, or in the order of two records, differ.
 * Integer arithmetic only, so the hot loops that call it allocate nothing.
 */
export const CHECKSUM_SEED = 0x811c9dc5 | 0;
const PRIME = 0x01000193;
const TWO_32 = 4294967296;

/** The checksum after one value. */
export function mixValue(h: number, v: number): number {
  h = Math.imul(h ^ (v | 0), PRIME);
  return Math.imul(h ^ ((v / TWO_32) | 0), PRIME);
}

/** The checksum after the `size` values of the record at offset `at` of `data`. */
export function mixRecord(h: number, data: Float64Array, at: number, size: number): number {
  for (let i = 0; i < size; i++) h = mixValue(h, data[at + i]);
  return h;
}
