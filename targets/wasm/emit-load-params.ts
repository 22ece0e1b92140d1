import type { IrProgram } from "../../compiler/ir.js";
import { paramLayout } from "../../compiler/param-layout.js";
import { PARAM_FILE_HEADER, PARAM_FILE_MAGIC, PARAM_FILE_VERSION } from "../../runtime/param-file.js";
import type { Binaryen, BinaryenModule } from "./binaryen-module.js";
import type { MemoryLayout } from "./memory-layout.js";
import { FIRST_RANGE_CODE } from "./param-file-codes.js";

/**
 * `load_params(len) -> code`: the module's own parameter-file loader, so a host of NAME.wasm needs no
 * Lockstep code. The host writes the file's bytes at the exported `param_file_offset` (room for
 * `param_file_bytes`) and calls it; the checks are runtime/param-file.ts's, in its order, and the
 * parameters are swapped only when all pass. It returns 0 or a refusal code (param-file-codes.ts).
 */
type Expr = number;
const c64 = (m: BinaryenModule, v: bigint): Expr => (m.i64.const as unknown as (x: bigint) => Expr)(v);

/** Eight bytes read as a little-endian i64, as i64.load sees them. */
function le64(bytes: readonly number[]): bigint {
  return BigInt.asIntN(64, bytes.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n));
}

export function addLoadParams(m: BinaryenModule, b: Binaryen, program: IrProgram, l: MemoryLayout): void {
  const layout = paramLayout(program);
  const n = layout.slots.length;
  const at = l.paramFile;
  const values = at + PARAM_FILE_HEADER;
  // a binaryen expression is a tree node: each use needs its own
  const zero = () => m.i32.const(0);
  const [LEN, H, I] = [0, 1, 2];
  const failIf = (cond: Expr, code: number) => m.if(cond, m.return(m.i32.const(code)));
  const magic = le64([...PARAM_FILE_MAGIC].map((c) => c.charCodeAt(0)));
  const hash = le64(layout.hash.match(/../g)!.map((h) => parseInt(h, 16)));
  const checksum = m.block(null, [
    m.local.set(H, m.i32.const(0x811c9dc5 | 0)),
    m.local.set(I, zero()),
    m.block("done", [
      m.loop(
        "byte",
        m.block(null, [
          m.br("done", m.i32.ge_u(m.local.get(I, b.i32), m.i32.const(8 * n))),
          m.local.set(H, m.i32.mul(m.i32.xor(m.local.get(H, b.i32), m.i32.load8_u(values, 1, m.local.get(I, b.i32))), m.i32.const(0x01000193))),
          m.local.set(I, m.i32.add(m.local.get(I, b.i32), m.i32.const(1))),
          m.br("byte"),
        ]),
      ),
    ]),
  ]);
  const value = (k: number) => m.i64.load(values + 8 * k, 8, zero());
  const ranges = layout.slots.map((s, k) => failIf(m.i32.or(m.i64.lt_s(value(k), c64(m, s.lo)), m.i64.gt_s(value(k), c64(m, s.hi))), FIRST_RANGE_CODE + k));
  const body = m.block(null, [
    failIf(m.i32.lt_u(m.local.get(LEN, b.i32), m.i32.const(PARAM_FILE_HEADER)), 1),
    failIf(m.i64.ne(m.i64.load(at, 8, zero()), c64(m, magic)), 2),
    failIf(m.i32.ne(m.i32.load(at + 8, 4, zero()), m.i32.const(PARAM_FILE_VERSION)), 3),
    failIf(m.i64.ne(m.i64.load(at + 16, 8, zero()), c64(m, hash)), 4),
    failIf(m.i32.or(m.i32.ne(m.i32.load(at + 12, 4, zero()), m.i32.const(n)), m.i32.ne(m.i32.load(at + 24, 4, zero()), m.i32.const(layout.baseCount))), 5),
    failIf(m.i32.ne(m.local.get(LEN, b.i32), m.i32.const(PARAM_FILE_HEADER + 8 * n)), 1),
    checksum,
    failIf(m.i32.ne(m.local.get(H, b.i32), m.i32.load(at + 28, 4, zero())), 6),
    ...ranges,
    m.memory.copy(m.i32.const(l.params), m.i32.const(values), m.i32.const(8 * n)),
    m.return(m.i32.const(0)),
  ]);
  m.addFunction("load_params", b.createType([b.i32]), b.i32, [b.i32, b.i32], body);
  m.addFunctionExport("load_params", "load_params");
  for (const [name, value] of [
    ["param_file_offset", at],
    ["param_file_bytes", PARAM_FILE_HEADER + 8 * n],
  ] as const) {
    m.addGlobal(name, b.i32, false, m.i32.const(value));
    m.addGlobalExport(name, name);
  }
}
