import { bitsFor } from "../../compiler/interval.js";
import type { Interval, IrProgram } from "../../compiler/ir.js";
import { EVENT_KIND_NAMES } from "../../runtime/event-tape.js";
import { widthOf, type Netlist, type Ref, type WireType } from "../hdl/netlist.js";
import type { GatewaySpec, Limit } from "./gateway-spec.js";
import { NetlistQuery } from "./netlist-query.js";

/** One named safety property: what it says, and the Verilog condition that must hold every cycle. */
export interface Property {
  readonly name: string;
  readonly says: string;
  readonly holds: string;
}

/** The wrapper module, the internal signals of the design it reads (exposed as ports) and its properties. */
export interface PropertyWrapper {
  readonly module: string;
  readonly text: string;
  readonly exposed: readonly Ref[];
  readonly properties: readonly Property[];
  /** Properties of the spec that cannot be stated on this design, with the reason. */
  readonly notStated: readonly { readonly name: string; readonly why: string }[];
}

const ORDER = EVENT_KIND_NAMES.indexOf("order");
const FILL = EVENT_KIND_NAMES.indexOf("fill");

/**
 * Prints a Verilog module that instantiates the design and asserts the gateway's safety properties every
 * cycle, from the cycle after the first reset. It reads the design's ports and, by name, the registers
 * and wires it lists in `exposed` (yosys `expose` makes them ports first). The event on the ports and
 * the state it met are kept one cycle, so each property compares a verdict with the event it answers:
 * the latency property makes that one cycle a proven fact rather than an assumption.
 *
 * Assumed (the environment's side of the contract): rst is high in the first cycle; a parameter value
 * written through the config port is within the slot's range (the host's loader refuses others).
 */
export function propertyWrapper(program: IrProgram, netlist: Netlist, spec: GatewaySpec): PropertyWrapper {
  const q = new NetlistQuery(netlist);
  const slots = [...program.params, ...program.derived];
  const slotOf = new Map(netlist.paramRegisters.map((r, k) => [r, k]));
  const stateOf = new Map(netlist.stateRegisters.map((r, i) => [r, i]));
  const shadowOf = new Map<Ref, Ref>();
  for (const [reg, k] of slotOf) shadowOf.set(netlist.registers[0].registers[2 * k].name, reg);
  const rangeOf = (r: Ref): Interval | undefined => {
    const s = stateOf.get(r);
    if (s !== undefined) return program.state[s].range;
    const k = slotOf.get(r) ?? slotOf.get(shadowOf.get(r) ?? "");
    return k === undefined ? undefined : slots[k].range;
  };
  const stateReg = (name: string) => {
    const i = program.state.findIndex((s) => s.name === name);
    return i < 0 ? undefined : netlist.stateRegisters[i];
  };
  const paramReg = (name: string) => netlist.paramRegisters[slots.findIndex((s) => s.name === name)];

  const notStated: { name: string; why: string }[] = spec.unsupported.map((u) => ({ name: u.rule, why: u.why }));
  const properties: Property[] = [];
  const kept = new Map<Ref, WireType>(); // design signals kept one cycle, as p_<name>
  const typeOf = (r: Ref): WireType => (q.registers.get(r) ?? q.wires.get(r))!.type;
  const keep = (r: Ref) => {
    kept.set(r, typeOf(r));
    return `p_${r}`;
  };
  const limitOf = (l: Limit) => (l.kind === "const" ? lit(l.value) : keep(paramReg(l.name)));

  const orderFire = q.fireOf(ORDER);
  const accepted = "accepted";
  const [qty, price, side] = ["p_b", "p_a", "p_c"];
  properties.push({
    name: "latency",
    says: "out_valid is valid delayed by exactly 1 cycle: every verdict below answers the event of the cycle before",
    holds: "out_valid == p_valid",
  });
  properties.push({
    name: "accept_only_orders",
    says: "accept is high only for a valid order event",
    holds: `!${accepted} || (p_valid && p_kind == ${ORDER})`,
  });
  if (spec.killSwitch) {
    const kill = stateReg("kill_switch");
    if (kill) properties.push({ name: "kill_switch", says: "while the kill switch is engaged no order is accepted", holds: `!${accepted} || ${keep(kill)} == 0` });
    else notStated.push({ name: "kill_switch", why: "the design has no kill_switch register" });
  }
  properties.push({
    name: "max_order_qty",
    says: `an accepted order's quantity is at least ${spec.minQty} lot${spec.maxOrderQty ? " and at most max_order_qty" : ""}`,
    holds: `!${accepted} || (${qty} >= ${lit(spec.minQty)}${spec.maxOrderQty ? ` && ${qty} <= ${limitOf(spec.maxOrderQty)}` : ""})`,
  });
  const position = stateReg("position");
  if (spec.maxPosition && position) {
    const p = keep(position);
    properties.push({
      name: "max_position",
      says: "an accepted order's side is -1 or +1, and |position + side * qty| <= max_position",
      holds: `!${accepted} || ((${side} == 1 || ${side} == -1) && (${side} == 1 ? abs64(${p} + ${qty}) : abs64(${p} - ${qty})) <= ${limitOf(spec.maxPosition)})`,
    });
  }
  if (spec.notionalCap !== undefined) {
    const product = q.productComparedWith(spec.notionalCap);
    const needed = notionalBits(program, spec);
    if (!product) notStated.push({ name: "max_notional", why: `no comparison of a product with ${spec.notionalCap} in the design` });
    else if (needed === undefined || widthOf(typeOf(product.product)) < needed)
      notStated.push({ name: "max_notional", why: `the product ${product.product} is narrower than qty * price needs (${needed ?? "unbounded"} bits)` });
    else {
      const [pp, pa, pb] = [keep(product.product), keep(product.a), keep(product.b)];
      properties.push({
        name: "max_notional",
        says: `an accepted order's qty * price <= ${spec.notionalCap} (max_notional / (lot * tick * multiplier)); the product is the HDL's * of qty and price at a width that holds it`,
        holds: `!${accepted} || (${pp} <= ${lit(spec.notionalCap)} && ((${pa} == ${qty} && ${pb} == ${price}) || (${pa} == ${price} && ${pb} == ${qty})))`,
      });
    }
  }
  if (spec.band) {
    const last = stateReg("last_trade");
    const [bid, ask] = [stateReg("bid"), stateReg("ask")];
    if (!last || !bid || !ask) notStated.push({ name: "price_band", why: "the design has no last_trade, bid or ask register" });
    else {
      const w = limitOf(spec.band.width);
      const nearLast = `abs64(${price} - ${keep(last)}) <= ${w}`;
      const nearMid = `abs64(2 * ${price} - (${keep(bid)} + ${keep(ask)})) <= 2 * ${w}`;
      const within = { last_trade: nearLast, mid: nearMid, reference: `(p_${last} > 0 ? ${nearLast} : ${nearMid})` }[spec.band.reference];
      properties.push({
        name: "price_band",
        says: `an accepted order's price is within the band around the ${spec.band.reference === "reference" ? "last trade (the mid before any trade)" : spec.band.reference}`,
        holds: `!${accepted} || ${within}`,
      });
    }
  }
  const invariantNow: Ref[] = [];
  for (let i = 0; i < spec.invariants; i++) {
    const now = orderFire && q.updateWhen(`invariant_${i}`, orderFire);
    if (!now) {
      notStated.push({ name: `invariant_${i}`, why: "the order handler does not evaluate it" });
      continue;
    }
    invariantNow.push(now);
    properties.push({
      name: `invariant_${i}`,
      says: `invariant ${i} of the risk block, once true, stays true through every event but a fill and every cycle without a parameter commit`,
      holds: `!p_valid || p_kind == ${FILL} || p_cfg_commit || ${keep(now)} == 0 || ${now} != 0`,
    });
  }

  const product = spec.notionalCap !== undefined ? q.productComparedWith(spec.notionalCap) : undefined;
  const verdict = orderFire ? [orderFire, ...["accept", "reason"].map((o) => q.updateWhen(o, orderFire) ?? orderFire)] : [];
  const roots = [...kept.keys(), ...verdict, ...invariantNow, ...(product ? [product.a, product.b] : [])];
  const ranged = [...q.registerCone(roots)].filter((r) => rangeOf(r) !== undefined).sort();
  const rangeProps: Property[] = ranged.map((r) => {
    const { lo, hi } = rangeOf(r)!;
    return { name: `range_${r}`, says: `${r} stays within its proven range [${lo}, ${hi}]`, holds: `${r} >= ${lit(lo)} && ${r} <= ${lit(hi)}` };
  });
  const exposed = [...new Set([...ranged, ...kept.keys(), ...invariantNow])].sort();
  const module = `${netlist.module}_props`;
  return { module, text: print(module, netlist, q, slots.map((s) => s.range), exposed, kept, rangeProps, properties), exposed, properties: [...rangeProps, ...properties], notStated };
}

/** Bits a signed product of the largest accepted quantity and price needs, or undefined if unbounded. */
function notionalBits(program: IrProgram, spec: GatewaySpec): number | undefined {
  const order = program.handlers.find((h) => h.event === "order");
  const inRange = (f: "a" | "b") => order?.inputs.find((i) => i.field === f)?.range;
  const [px, qty] = [inRange("a"), inRange("b")];
  if (!px || !qty) return undefined;
  // the check multiplies min(qty, max_order_qty): an order above it is refused by the quantity check
  const m = spec.maxOrderQty;
  const cap = m?.kind === "const" ? m.value : m ? program.params.find((p) => p.name === m.name)?.range.hi : undefined;
  const q = cap !== undefined && cap < qty.hi ? cap : qty.hi;
  return bitsFor({ lo: 0n, hi: px.hi * q });
}

/** A 64-bit signed literal: every value in the design is narrower. */
const lit = (v: bigint) => (v < 0n ? `-64'sd${-v}` : `64'sd${v}`);

function decl(t: WireType): string {
  return t.kind === "bit" ? "" : `${t.kind === "signed" ? "signed " : ""}[${t.width - 1}:0] `;
}

function print(
  module: string,
  n: Netlist,
  q: NetlistQuery,
  slotRanges: readonly Interval[],
  exposed: readonly Ref[],
  kept: ReadonlyMap<Ref, WireType>,
  ranges: readonly Property[],
  properties: readonly Property[],
): string {
  const typeOf = (r: Ref): WireType => (q.registers.get(r) ?? q.wires.get(r))!.type;
  const inputs = [{ name: n.clock, type: { kind: "bit" } as WireType }, { name: n.reset, type: { kind: "bit" } as WireType }, ...n.inputs];
  const outs = n.outputs.filter((o) => ["out_valid", "event_ok", "accept", "reason"].includes(o.name));
  const [valid, kind, , a, b, c] = n.inputs.map((p) => p.name);
  const cfg = (name: string) => n.inputs.find((p) => p.name === name)!;
  const o: string[] = [];
  o.push(`// Safety properties of ${n.module}: generated by lockstep prove. Each assert is one named property.`, "");
  o.push(`module ${module} (`);
  inputs.forEach((p, i) => o.push(`  input wire ${decl(p.type)}${p.name}${i === inputs.length - 1 ? "" : ","}`));
  o.push(");");
  for (const p of outs) o.push(`  wire ${decl(p.type)}${p.name};`);
  for (const r of exposed) o.push(`  wire ${decl(typeOf(r))}${r};`);
  o.push(`  ${n.module} dut (`);
  const conns = [...inputs.map((p) => p.name), ...outs.map((p) => p.name), ...exposed];
  conns.forEach((p, i) => o.push(`    .${p}(${p})${i === conns.length - 1 ? "" : ","}`));
  o.push("  );", "");
  o.push("  function signed [63:0] abs64(input signed [63:0] x);", "    abs64 = x < 0 ? -x : x;", "  endfunction", "");
  o.push("  // assumptions: reset first; the host writes only parameter values within their slot's range");
  o.push("  reg init = 1'b1;", `  always @(posedge ${n.clock}) init <= 1'b0;`, `  always @* if (init) assume (${n.reset});`);
  const [we, slot, value] = [cfg("cfg_we"), cfg("cfg_slot"), cfg("cfg_value")];
  slotRanges.forEach((r, k) =>
    o.push(`  always @* if (${we.name} && ${slot.name} == ${k}) assume (${value.name} >= ${lit(r.lo)} && ${value.name} <= ${lit(r.hi)});`),
  );
  o.push("", "  // the event on the ports and the state it met, one cycle back");
  const history: [string, WireType, string][] = [
    ["p_rst", { kind: "bit" }, n.reset],
    ["p_valid", { kind: "bit" }, valid],
    ["p_cfg_commit", { kind: "bit" }, cfg("cfg_commit").name],
    ["p_kind", n.inputs[1].type, kind],
    ["p_a", n.inputs[3].type, a],
    ["p_b", n.inputs[4].type, b],
    ["p_c", n.inputs[5].type, c],
    ...[...kept].map(([r, t]): [string, WireType, string] => [`p_${r}`, t, r]),
  ];
  for (const [name, t] of history) o.push(`  reg ${decl(t)}${name};`);
  o.push(`  always @(posedge ${n.clock}) begin`);
  for (const [name, , from] of history) o.push(`    ${name} <= ${from};`);
  o.push("  end", "");
  o.push(`  wire live = !init && !p_rst;  // a cycle after the first reset, answering an event after it`);
  o.push(`  wire accepted = out_valid && accept != 0;`);
  for (const p of ranges) o.push(`  wire ok_${p.name} = init || (${p.holds});  // ${p.says}`);
  for (const p of properties) o.push(`  wire ok_${p.name} = !live || (${p.holds});  // ${p.says}`);
  o.push("  always @* begin");
  for (const p of [...ranges, ...properties]) o.push(`    prop_${p.name}: assert (ok_${p.name});`);
  o.push("  end", "endmodule", "");
  return o.join("\n");
}
