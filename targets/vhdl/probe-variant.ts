import type { Netlist } from "../hdl/netlist.js";
import { probeEntity } from "./emit-vhdl.js";

/**
 * The probe variant of a `.vhd` file that `lockstep compile` wrote (GHDL 2.0 has no external names, so
 * the testbench reads state registers through `probe_*` ports): the file's own architecture, unchanged,
 * with the entity renamed to NAME_probe, one output port per state register and one assignment each.
 * Only the entity header and the declarations are read, so a hand edit anywhere in the logic is
 * simulated as written. A file that lacks them was not written by `lockstep compile`: an Error says so.
 */
export function probeVariant(vhdl: string, n: Netlist): string {
  const entity = n.module;
  const probe = probeEntity(n);
  const lines = vhdl.split("\n");
  const find = (test: (l: string) => boolean, what: string, from = 0) => {
    const i = lines.findIndex((l, k) => k >= from && test(l));
    if (i < 0) throw new Error(`it has no ${what}; it was not written by lockstep compile`);
    return i;
  };
  const head = find((l) => l.trim() === `entity ${entity} is`, `entity ${entity}`);
  const close = find((l) => l.trim() === ");", "end of the port list", head);
  const end = find((l) => l.trim() === `end entity ${entity};`, `end entity ${entity}`, close);
  const arch = find((l) => new RegExp(`^architecture \\w+ of ${entity} is$`).test(l.trim()), `architecture of ${entity}`, end);
  const process = find((l) => /^\s*registers : process\b/.test(l), "registers process", arch);
  const types = n.stateRegisters.map((name) => {
    const decl = new RegExp(`^\\s*signal ${name} : ([^;]+);`);
    const line = lines.slice(arch, process).find((l) => decl.test(l));
    if (!line) throw new Error(`it declares no state register ${name}; it was not written by lockstep compile for this version of the source`);
    return { name, type: decl.exec(line)![1].trim() };
  });
  const last = lines[close - 1].replace(/^(\s*[^-]*?)(\s*--.*)?$/, (_m, decl: string, comment = "") => `${decl};${comment}`);
  const ports = types.map((t, i) => `    probe_${t.name} : out ${t.type}${i === types.length - 1 ? "" : ";"}`);
  const copies = ["  -- simulation probe: GHDL 2.0 has no external names, so state registers are also ports here", ...types.map((t) => `  probe_${t.name} <= ${t.name};`), ""];
  return [
    ...lines.slice(0, head),
    `entity ${probe} is`,
    ...lines.slice(head + 1, close - 1),
    ...(types.length ? [last, ...ports] : [lines[close - 1]]),
    ...lines.slice(close, end),
    `end entity ${probe};`,
    ...lines.slice(end + 1, arch),
    lines[arch].replace(` of ${entity} is`, ` of ${probe} is`),
    ...lines.slice(arch + 1, process),
    ...copies,
    ...lines.slice(process),
  ].join("\n");
}
