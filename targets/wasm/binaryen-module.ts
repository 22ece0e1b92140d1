import type binaryenType from "binaryen";

/**
 * The only file that imports binaryen. It is large (several MB of compiled C++), so it is loaded on
 * first use, and every module is disposed after use.
 */
export type Binaryen = typeof binaryenType;
export type BinaryenModule = InstanceType<Binaryen["Module"]>;

let loaded: Binaryen | undefined;

export async function loadBinaryen(): Promise<Binaryen> {
  loaded ??= (await import("binaryen")).default;
  return loaded;
}

export interface BuiltModule {
  readonly wasm: Uint8Array;
  readonly wat: string;
}

/**
 * Runs `build` on a fresh module, validates it, optimizes it with binaryen's default pipeline at -O3,
 * validates again, and returns the binary and the readable text. The module is always disposed.
 */
export async function withModule(build: (m: BinaryenModule, b: Binaryen) => void): Promise<BuiltModule> {
  const b = await loadBinaryen();
  const m = new b.Module();
  try {
    m.setFeatures(b.Features.MVP | b.Features.NontrappingFPToInt | b.Features.SignExt | b.Features.BulkMemory | b.Features.BulkMemoryOpt);
    build(m, b);
    if (!m.validate()) throw new Error("internal error: the generated WebAssembly module does not validate");
    b.setOptimizeLevel(3);
    b.setShrinkLevel(0);
    m.optimize();
    if (!m.validate()) throw new Error("internal error: the optimized WebAssembly module does not validate");
    return { wasm: m.emitBinary(), wat: m.emitText() };
  } finally {
    m.dispose();
  }
}
