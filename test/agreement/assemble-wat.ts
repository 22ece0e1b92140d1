import { loadBinaryen } from "../../targets/wasm/binaryen-module.js";

/** Assembles (mutated) WebAssembly text back into a binary with the features the emitter uses. */
export async function assemble(wat: string): Promise<Uint8Array> {
  const b = await loadBinaryen();
  const m = b.parseText(wat);
  try {
    m.setFeatures(b.Features.MVP | b.Features.NontrappingFPToInt | b.Features.SignExt | b.Features.BulkMemory | b.Features.BulkMemoryOpt);
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}
