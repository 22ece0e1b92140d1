import { eliminateDeadCode } from "../../compiler/dead-code.js";
import { ParameterError, parameterVector } from "../../compiler/derived-eval.js";
import { bitsFor } from "../../compiler/interval.js";
import type { Instr, IrProgram, Loc, Slot } from "../../compiler/ir.js";
import { EVENT_KIND_NAMES } from "../../runtime/event-tape.js";
import { CellBuilder, type Val } from "./cell-builder.js";
import { FIELD_BITS, KIND_BITS, KIND_INVALID } from "./event-port.js";
import { topName, topProgram, type HdlTop } from "./hdl-top.js";
import { KILL_PIN, killSwitchSlot } from "./kill-pin.js";
import { lowerOp } from "./lower-op.js";
import { Namer } from "./names.js";
import { shortenLate } from "./shorten-late.js";
import { assignStages } from "./stages.js";
import { BIT, signedOf, type Block, type Netlist, type Port, type Ref, type Register, type Rom, type WireType } from "./netlist.js";

/**
 * Clock cycles from an event's `valid` beat to its `out_valid`. The engine is one combinational stage.
 * The gateway is pipelined (stages.ts): the earlier stages compute everything that does not depend on
 * state (field checks, products with parameters, comparisons with limits); the last one reads and
 * writes the state. Every state read and write is in the last stage, so back-to-back events need no
 * forwarding: the event there has always seen every earlier event's writes.
 */
export const latencyCycles = (top: HdlTop): number => (top === "gateway" ? GATEWAY_STAGES : 1);

/**
 * The gateway's stages, and the most logic per stage before a value moves to the next (stages.ts): on
 * avellaneda, 2 stages reach 22 MHz on HX8K, 3 reach 35 MHz, 4 reach 43.5 MHz, where the state-dependent
 * last stage (the price band against the reference price) is the longest path.
 */
const GATEWAY_STAGES = 4;
const STAGE_BUDGET = 3;

type Update = Register["updates"][number];

/**
 * Lowers a program to the netlist of one top: `NAME_engine` (the whole program) or `NAME_gateway` (the
 * slice that decides the verdict, hdl-top.ts), one event per clock, outputs registered. Parameters
 * (base then derived, as parameterVector lays them out) are written through the config port into shadow
 * registers and take effect together on `cfg_commit`. A program with a kill switch gets the kill pin
 * (kill-pin.ts).
 */
export function lowerProgram(whole: IrProgram, top: HdlTop = "engine"): Netlist {
  const program = topProgram(whole, top);
  const latency = latencyCycles(top);
  const namer = new Namer();
  const b = new CellBuilder(namer);
  const port = (want: string, type: WireType, comment: string): Port => ({ name: namer.name(want), type, comment });

  const clock = namer.name("clk");
  const reset = namer.name("rst");
  const valid = port("valid", BIT, "an event is on the ports this cycle");
  const kind = port("kind", { kind: "unsigned", width: KIND_BITS }, `event kind: ${EVENT_KIND_NAMES.map((k, i) => `${i} ${k}`).join(", ")}; ${KIND_INVALID} invalid`);
  const fields = (["t", "a", "b", "c", "d"] as const).map((f) =>
    port(f, signedOf(FIELD_BITS), f === "t" ? "time, ns since the session start" : `event field ${f}`),
  );
  const slots: Slot[] = [...program.params, ...program.derived];
  const slotBits = Math.max(1, (slots.length - 1).toString(2).length);
  const paramWidths = slots.map((s) => bitsFor(s.range));
  const cfgWe = port("cfg_we", BIT, "write cfg_value into the shadow of parameter cfg_slot");
  const cfgSlot = port("cfg_slot", { kind: "unsigned", width: slotBits }, "parameter slot: base parameters, then derived");
  const cfgValue = port("cfg_value", signedOf(Math.max(2, ...paramWidths)), "raw parameter value");
  const cfgCommit = port("cfg_commit", BIT, "every shadow takes effect together (between events)");
  const killSlot = killSwitchSlot(program);
  const killPin = killSlot === undefined ? undefined : port(KILL_PIN, BIT, "kill pin: while high the kill switch is engaged, and it stays engaged (released only by a kill event with a = 0)");
  const inputs = [valid, kind, ...fields, cfgWe, cfgSlot, cfgValue, cfgCommit, ...(killPin ? [killPin] : [])];

  const outValid = port("out_valid", BIT, `the outputs below belong to the event ${cycles(latency)} before`);
  const eventOk = port("event_ok", BIT, "the event was valid and applied (else it changed nothing)");
  const outPorts = program.outputs.map((o) => port(o.name, signedOf(bitsFor(o.range)), `output ${o.name}, ${o.frac} fraction bits`));

  const paramRegs = slots.map((s) => namer.name(s.name));
  const shadowRegs = slots.map((s) => namer.name(`${s.name}_shadow`));
  const stateRegs = program.state.map((s) => namer.name(s.name));
  const roms: Rom[] = program.luts.map((l) => {
    const lo = l.values.reduce((m, v) => (v < m ? v : m), 0n);
    const hi = l.values.reduce((m, v) => (v > m ? v : m), 0n);
    return { name: namer.name(`${l.name}_rom`), typeName: namer.name(`${l.name}_rom_t`), width: bitsFor({ lo, hi }), values: l.values, comment: `${l.description}; ${l.frac} fraction bits` };
  });

  const blocks: Block[] = [];
  const stateType = (slot: number) => signedOf(bitsFor(program.state[slot].range));
  const engaged = killSlot !== undefined && killPin ? killEngaged(b, killPin.name, stateRegs[killSlot], stateType(killSlot)) : undefined;
  if (engaged) blocks.push({ comment: ["kill pin: every handler reads the kill switch as engaged while the pin is high"], wires: b.take() });
  const fieldVal = Object.fromEntries(fields.map((f) => [f.name, { ref: f.name, type: f.type }])) as Record<string, Val>;

  // config port: one write enable per slot
  const slotWrites = slots.map((s, k) => {
    const hit = b.wire(`${s.name}_slot`, BIT, { cell: "codeIs", a: cfgSlot.name, code: k });
    const we = b.wire(`${s.name}_we`, BIT, { cell: "and", a: cfgWe.name, b: hit.ref });
    const value = b.signed(`${s.name}_cfg`, { ref: cfgValue.name, type: cfgValue.type }, paramWidths[k]);
    return { we: we.ref, value: value.ref };
  });
  if (slots.length) blocks.push({ comment: ["config port: slot decode"], wires: b.take() });

  // registers that carry a value from the stage that computes it to a later one that reads it
  const pipeline: Register[] = [];
  const last = latency - 1;
  const delayed = (v: Val, from: number, to: number, what: string, root = v.ref): Val => {
    let at = v;
    for (let k = from + 1; k <= to; k++) {
      // stages count from 1 in names and comments: x_s2 is x as stage 2 reads it
      const name = namer.name(`${root}_s${k + 1}`);
      pipeline.push({ name, type: v.type, reset: 0n, updates: [{ when: "always", value: at.ref }], isOutput: false, comment: `into stage ${k + 1}: ${what}` });
      at = { ref: name, type: v.type };
    }
    return at;
  };
  const validLast = delayed({ ref: valid.name, type: BIT }, 0, last, "an event is in this stage");
  const stateUpdates: Update[][] = program.state.map(() => []);
  const outputUpdates: Update[][] = program.outputs.map(() => []);
  const fires: Ref[] = [];
  // with several stages, the state-dependent last stage is rewritten to shorter chains (shorten-late.ts)
  const handlers = latency > 1 ? program.handlers.map((h) => eliminateDeadCode(shortenLate(h))) : program.handlers;
  for (const h of handlers) {
    const code = EVENT_KIND_NAMES.indexOf(h.event);
    const values: Val[] = [];
    const stage = assignStages(h, latency, STAGE_BUDGET);
    const copies = new Map<string, Val>();
    const at = (id: number, k: number): Val => {
      if (stage[id] === k || h.body[id].op === "const") return values[id];
      const key = `${id}@${k}`;
      if (!copies.has(key)) copies.set(key, delayed(at(id, k - 1), k - 1, k, `on ${h.event}: v${id} (${h.body[id].loc})`, values[id].ref));
      return copies.get(key)!;
    };
    const base = {
      range: (id: number) => h.body[id].range,
      param: (slot: number) => ({ ref: paramRegs[slot], type: signedOf(paramWidths[slot]) }),
      state: (slot: number) => (engaged && slot === killSlot ? engaged.read : { ref: stateRegs[slot], type: stateType(slot) }),
      input: (f: "t" | "a" | "b" | "c" | "d") => fieldVal[f],
      rom: (table: number) => ({ ref: roms[table].name, length: roms[table].values.length, width: roms[table].width }),
    };
    const inStage = Array.from({ length: latency }, (_, k) => ({ ...base, value: (id: number) => at(id, k) }));
    const inLastStage = (id: number) => at(id, last);
    for (const group of byLocation(h.body)) {
      for (const ins of group) values[ins.id] = lowerOp(ins, inStage[stage[ins.id]], b, `${h.event}_v${ins.id}`);
      blocks.push({ comment: [`on ${h.event}: ${describeLoc(program, group[0].loc)}`], wires: b.take() });
    }
    const isKind = delayed(b.wire(`${h.event}_kind`, BIT, { cell: "codeIs", a: kind.name, code }), 0, last, `the event is a ${h.event}`);
    const guard = b.bit(`${h.event}_guard`, inLastStage(h.guard));
    const selected = b.wire(`${h.event}_selected`, BIT, { cell: "and", a: validLast.ref, b: isKind.ref });
    const fire = b.wire(`${h.event}_fire`, BIT, { cell: "and", a: selected.ref, b: guard.ref });
    fires.push(fire.ref);
    for (const wr of h.writes) {
      const width = bitsFor(program.state[wr.slot].range);
      stateUpdates[wr.slot].push({ when: fire.ref, value: b.signed(`${h.event}_${program.state[wr.slot].name}_next`, inLastStage(wr.value), width).ref });
    }
    for (const o of h.outputs) {
      const width = bitsFor(program.outputs[o.slot].range);
      outputUpdates[o.slot].push({ when: fire.ref, value: b.signed(`${h.event}_${program.outputs[o.slot].name}_out`, inLastStage(o.value), width).ref });
    }
    blocks.push({ comment: [`on ${h.event}: applies when the event is valid (guard v${h.guard}); state writes and outputs`], wires: b.take() });
  }
  const anyFire = fires.length
    ? fires.slice(1).reduce((acc, f, i) => b.wire(`fired_${i + 1}`, BIT, { cell: "or", a: acc.ref, b: f }), { ref: fires[0], type: BIT } as Val)
    : b.constBit("fired_none", false);
  const zeros = outPorts.map((o) => b.konst(`${o.name}_cleared`, 0n, (o.type as { width: number }).width));
  blocks.push({ comment: ["every event: whether one applied; outputs of an event that sets none are 0"], wires: b.take() });

  const resetParams = defaultParameters(program);
  const registers: Netlist["registers"] = [
    {
      comment: "parameters: shadows written through the config port, taking effect together on cfg_commit",
      registers: slots.flatMap((s, k): Register[] => {
        const type = signedOf(paramWidths[k]);
        const note = `${k < program.params.length ? "parameter" : `derived parameter: ${(s as { text?: string }).text ?? s.name}`} (${s.loc}), ${s.frac} fraction bits`;
        return [
          { name: shadowRegs[k], type, reset: resetParams[k], updates: [{ when: slotWrites[k].we, value: slotWrites[k].value }], isOutput: false, comment: `shadow of ${paramRegs[k]}` },
          { name: paramRegs[k], type, reset: resetParams[k], updates: [{ when: cfgCommit.name, value: shadowRegs[k] }], isOutput: false, comment: note },
        ];
      }),
    },
    {
      comment: "state",
      registers: program.state.map((s, i) => ({
        name: stateRegs[i],
        type: signedOf(bitsFor(s.range)),
        reset: s.init,
        // the pin comes first: an event in the same cycle cannot release the switch
        updates: engaged && i === killSlot ? [{ when: killPin!.name, value: engaged.on.ref }, ...stateUpdates[i]] : stateUpdates[i],
        isOutput: false,
        comment: `state ${s.name} (${s.loc}), ${s.frac} fraction bits, in [${s.range.lo}, ${s.range.hi}]`,
      })),
    },
    ...(pipeline.length ? [{ comment: "pipeline: values carried to the stage that reads them (rst drops the events in flight)", registers: pipeline }] : []),
    {
      comment: `outputs, ${cycles(latency)} after the event`,
      registers: [
        { name: outValid.name, type: BIT, reset: 0n, updates: [{ when: "always", value: validLast.ref }], isOutput: true, comment: outValid.comment },
        { name: eventOk.name, type: BIT, reset: 0n, updates: [{ when: validLast.ref, value: anyFire.ref }], isOutput: true, comment: eventOk.comment },
        ...outPorts.map((o, i) => ({
          name: o.name,
          type: o.type,
          reset: 0n,
          updates: [...outputUpdates[i], { when: validLast.ref, value: zeros[i].ref }],
          isOutput: true,
          comment: o.comment,
        })),
      ],
    },
  ];

  return {
    module: namer.name(topName(program, top)),
    header: header(program, top, latency, killPin !== undefined),
    latency,
    clock,
    reset,
    inputs,
    outputs: [outValid, eventOk, ...outPorts],
    roms,
    blocks,
    registers,
    stateRegisters: stateRegs,
    paramRegisters: paramRegs,
  };
}

/** Consecutive instructions from the same source location. */
function byLocation(body: readonly Instr[]): Instr[][] {
  const groups: Instr[][] = [];
  for (const ins of body) {
    const last = groups[groups.length - 1];
    if (last && last[0].loc === ins.loc) last.push(ins);
    else groups.push([ins]);
  }
  return groups;
}

function describeLoc(program: IrProgram, loc: Loc): string {
  if (loc === "builtin") return "event validation (built in)";
  const line = Number(loc.split(":").at(-2));
  const text = program.sourceLines[line - 1]?.trim();
  return text ? `${loc}  ${text}` : loc;
}

/** The reset value of every parameter register: the declared defaults and what they derive. */
function defaultParameters(program: IrProgram): bigint[] {
  const base = program.params.map((p) => p.default);
  try {
    return parameterVector(program, base);
  } catch (e) {
    if (!(e instanceof ParameterError)) throw e;
    // the defaults are refused: the host must load a parameter set before the first event
    return [...base, ...program.derived.map((d) => (d.range.lo > 0n ? d.range.lo : d.range.hi < 0n ? d.range.hi : 0n))];
  }
}

/** The kill switch as the handlers read it: engaged when the register or the pin is. */
function killEngaged(b: CellBuilder, pin: Ref, register: Ref, type: WireType): { read: Val; on: Val } {
  const on = b.konst("kill_switch_on", 1n, (type as { width: number }).width);
  const read = b.wire("kill_switch_engaged", type, { cell: "mux", sel: pin, a: on.ref, b: register });
  return { read, on };
}

const cycles = (n: number) => `${n} cycle${n === 1 ? "" : "s"}`;

function header(program: IrProgram, top: HdlTop, latency: number, killPin: boolean): string[] {
  return [
    `${program.name}: generated by lockstep from ${program.sourcePath}. Do not edit.`,
    "",
    ...(top === "gateway"
      ? [
          `${program.name.toLowerCase()}_gateway: the slice of the program that decides the risk verdict (accept, reason):`,
          "every handler, with only the state the verdict depends on. Verdict latency: " + `${cycles(latency)}, one event per clock.`,
          `Stages 1 to ${latency - 1} compute what does not depend on state; stage ${latency} reads and writes the state,`,
          "so back-to-back events need no forwarding. A value carried into stage N is a register named _sN.",
          "",
        ]
      : []),
    `One event per clock: drive valid with kind, t, a, b, c, d; ${cycles(latency)} later out_valid is`,
    "high with event_ok (the event was valid and applied), every output, and the updated state.",
    `An event that breaks the engine contract (a field that is not a safe integer, an unknown kind) is`,
    `sent by the host as kind ${KIND_INVALID}: like any rejected event it changes nothing and clears the outputs.`,
    "Parameters: write each slot (cfg_we, cfg_slot, cfg_value) into its shadow, then pulse cfg_commit",
    "between events; all take effect together. rst (synchronous) restores the initial state and the",
    "default parameters.",
    ...(killPin
      ? [
          "Kill pin: in every cycle in which kill is high, the kill switch register is set (rst aside), and",
          latency === 1 ? "the event of that cycle sees the switch engaged: an order is refused with reason kill_switch." : `the event in its last stage (valid ${cycles(latency - 1)} before) sees it engaged: an order is refused (kill_switch).`,
          "It latches: after the pin falls the switch stays engaged until a kill event with a = 0 releases it.",
        ]
      : []),
  ];
}
