/** The parts of yosys's `write_json` netlist this module reads. */
export interface YosysNetlist {
  readonly modules: Record<string, YosysModule>;
}

export interface YosysModule {
  readonly ports: Record<string, { readonly direction: "input" | "output" | "inout"; readonly bits: readonly (number | string)[] }>;
  readonly cells: Record<string, YosysCell>;
}

export interface YosysCell {
  readonly type: string;
  readonly port_directions: Record<string, "input" | "output" | "inout">;
  readonly connections: Record<string, readonly (number | string)[]>;
}

/** `stat -json`: cell counts by type of one module. */
export function cellCounts(statJson: string, top: string): Map<string, number> {
  const stat = JSON.parse(statJson) as { modules: Record<string, { num_cells_by_type?: Record<string, number> }> };
  const module = stat.modules[`\\${top}`] ?? stat.modules[top];
  if (!module) throw new Error(`yosys stat has no module ${top}`);
  return new Map(Object.entries(module.num_cells_by_type ?? {}));
}

/** Sum of the counts of every cell type the predicate accepts. */
export function countCells(counts: ReadonlyMap<string, number>, accept: (type: string) => boolean): number {
  let n = 0;
  for (const [type, c] of counts) if (accept(type)) n += c;
  return n;
}

/** The module `top` of a netlist; yosys keeps a top's name even after chparam. */
export function moduleOf(netlist: YosysNetlist, top: string): YosysModule {
  const module = netlist.modules[top];
  if (!module) throw new Error(`the yosys netlist has no module ${top} (it has ${Object.keys(netlist.modules).join(", ")})`);
  return module;
}
