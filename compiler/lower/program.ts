import type * as A from "../../language/ast.js";
import * as X from "../exact-math.js";
import type { Diagnostics } from "../../language/diagnostic.js";
import type { SourceFile } from "../../language/source-file.js";
import type { Span } from "../../language/span.js";
import { EVENT_KIND_NAMES, type EventKindName } from "../event-vocabulary.js";
import { eliminateDeadCode } from "../dead-code.js";
import { isKnownFunction, unknownFunctionHint } from "./calls.js";
import type { Num } from "../ir-builder.js";
import { hull, iv } from "../interval.js";
import type { Handler, InputSpec, IrProgram, OutputSlot } from "../ir.js";
import { QTY, type Unit } from "../units.js";
import { constantValue } from "./constants.js";
import { integerRange, lowerInstrument, lowerParams, quantizeChecked, resolveType } from "./declarations.js";
import { declareBuiltinStates, lowerPrologue } from "./events.js";
import { namesIn, namesUsed } from "./names-used.js";
import { lowerExpr, numVal, requireBool } from "./expr.js";
import { HandlerContext, type GlobalNames } from "./handler-context.js";
import { asNum } from "./materialize.js";
import { classifyPrimitive, lowerEwma, lowerVamp, type Primitive } from "./primitives.js";
import { isPrimitiveName, isRolling } from "./primitive-names.js";
import { lowerRollingWindow } from "./rolling-window.js";
import { currentPosition, haltReason } from "./position.js";
import { ProgramModel } from "./program-model.js";
import { collectRiskLimits, declareRiskStates, lowerOrderCheck } from "./risk.js";
import { lowerBlock } from "./statements.js";
import { commitQuotes } from "./held-quotes.js";
import { isHeldQuoteName } from "../ir.js";

const NO_SPAN: Span = { start: 0, end: 0 };
const QUOTE_OUTPUTS = ["quote_valid", "quote_bid", "quote_ask", "quote_bid_qty", "quote_ask_qty"] as const;
const QUOTE_UNITS = ["bool", "ticks", "ticks", "lots", "lots"] as const;
/** Units of the outputs that are not quotes: reason and halt_reason are codes (REJECT_REASONS, HALT_REASONS). */
const VERDICT_UNITS: Readonly<Record<string, string>> = { accept: "bool", reason: "code", halt_reason: "code", timer_at: "ns" };

/** AST to IR: names, units, types and range analysis, reported as diagnostics; undefined on any error. */
export function lowerProgram(ast: A.Program, file: SourceFile, diags: Diagnostics): IrProgram | undefined {
  const items = pickItems(ast, diags);
  if (!items) return undefined;
  const { instrument, params, strategy, risk } = items;
  const model = new ProgramModel(file, diags, lowerInstrument(instrument, diags));
  lowerParams(params?.params ?? [], model);
  for (const owner of [strategy, risk]) {
    if (owner && instrument && owner.instrument.name !== instrument.name.name)
      diags.error(
        "N001",
        owner.instrument.span,
        `unknown instrument '${owner.instrument.name}'`,
        `this file declares instrument ${instrument.name.name}`,
      );
  }
  const globals: GlobalNames = { states: new Map(), statics: new Map(), fns: declareFns(strategy, model) };
  declareBuiltinStates(model, globals.states, namesUsed(strategy));
  declareRiskStates(risk, model, globals.states);
  const primitives = declareStates(strategy, model, globals);
  const contexts = new Map<
    EventKindName,
    { ctx: HandlerContext; inputs: InputSpec[]; guard: import("../ir-builder.js").Num }
  >();
  for (const event of EVENT_KIND_NAMES) {
    const ctx = new HandlerContext(model, event, globals);
    const inputs: InputSpec[] = [];
    const guard = lowerPrologue(ctx, inputs);
    contexts.set(event, { ctx, inputs, guard });
  }
  lowerPrimitives(primitives, contexts, model, globals);
  const limits = collectRiskLimits(risk, contexts.get("order")!.ctx);
  for (const [name, v] of limits.values) globals.statics.set(name, v);
  const handlersByEvent = groupHandlers(strategy, diags);
  // Outputs, by name: each quote level's five values, then the verdict and the halt reason, then one flag per invariant.
  const named = new Map<EventKindName, Map<string, Num>>();
  const timer = globals.states.get("timer_deadline");
  for (const event of EVENT_KIND_NAMES) {
    const { ctx } = contexts.get(event)!;
    const h = handlersByEvent.get(event);
    // with an armed timer, on timer runs only when it is due (the prologue disarms it then)
    const gated = h && event === "timer" && timer !== undefined;
    if (h) lowerBlock(gated ? [{ kind: "if", cond: { kind: "name", name: "timer_due", span: h.event.span }, then: h.body, otherwise: [], span: h.span }] : h.body, ctx);
  }
  // every handler is lowered first: an event that does not quote a level keeps what another quoted there
  for (const event of EVENT_KIND_NAMES) {
    const { ctx } = contexts.get(event)!;
    const outs = new Map<string, Num>();
    for (const [level, q] of commitQuotes(ctx))
      [q.valid, q.bid, q.ask, q.bidQty, q.askQty].forEach((v, i) => outs.set(quoteOutput(i, level), v));
    if (event === "order" && risk) {
      const verdict = lowerOrderCheck(limits, risk.span, ctx);
      outs.set("accept", verdict.accept).set("reason", verdict.reason);
    }
    outs.set("halt_reason", haltReason(risk?.span ?? NO_SPAN, ctx));
    // when the runtime must send the next timer event: 0 while none is armed
    if (timer !== undefined) outs.set("timer_at", ctx.readState(timer, NO_SPAN));
    // the risk block judges the exact position, not the strategy's view clamped to the declared range
    ctx.scopes.push(new Map([["position", numVal(currentPosition(ctx).exact, QTY)]]));
    limits.invariants.forEach((cond, i) => {
      const v = lowerExpr(cond, ctx);
      if (!requireBool(v, true, cond.span, ctx)) return;
      const n = asNum(v, ctx, cond.span);
      if (n) outs.set(`invariant_${i}`, n);
    });
    ctx.scopes.pop();
    named.set(event, outs);
  }
  const levels = 1 + Math.max(0, ...model.heldQuotes.keys());
  const names = [
    ...Array.from({ length: levels }, (_, level) => QUOTE_OUTPUTS.map((_n, i) => quoteOutput(i, level))).flat(),
    "accept",
    "reason",
    "halt_reason",
    ...(globals.states.has("timer_deadline") ? ["timer_at"] : []),
    ...limits.invariants.map((_c, i) => `invariant_${i}`),
  ];
  const handlers: Handler[] = EVENT_KIND_NAMES.map((event) => {
    const { ctx, inputs, guard } = contexts.get(event)!;
    const outs = [...named.get(event)!].map(([name, v]) => ({ slot: names.indexOf(name), value: v.id }));
    const writes = [...ctx.stateNow.entries()].map(([slot, v]) => ({ slot, value: v.id }));
    return eliminateDeadCode({ event, inputs, body: ctx.b.body, guard: guard.id, writes, outputs: outs, functions: ctx.b.functions });
  });
  const outputs = outputSlots(handlers, names);
  if (diags.hasErrors) return undefined;
  return {
    name: strategy?.name.name ?? risk?.name.name ?? "program",
    sourcePath: file.path,
    instrument: { name: model.instrument.name, tick: model.instrument.tick, lot: model.instrument.lot },
    ...(model.quoteBudget ? { quoteBudget: model.quoteBudget } : {}),
    params: model.params,
    derived: model.derived,
    state: model.state,
    outputs,
    luts: model.luts,
    handlers,
    notes: model.notes,
    sourceLines: file.text.split("\n"),
  };
}

function pickItems(ast: A.Program, diags: Diagnostics) {
  const of = <K extends A.Item["kind"]>(kind: K) =>
    ast.items.filter((i): i is Extract<A.Item, { kind: K }> => i.kind === kind);
  const one = <K extends A.Item["kind"]>(kind: K) => {
    const found = of(kind);
    for (const extra of found.slice(1))
      diags.error(
        "S001",
        extra.span,
        `a file has at most one ${kind} block`,
        `merge the ${kind} blocks or split the file`,
      );
    return found[0];
  };
  const items = { instrument: one("instrument"), params: one("params"), strategy: one("strategy"), risk: one("risk") };
  if (!items.strategy && !items.risk && ast.items.length > 0)
    diags.error(
      "S002",
      ast.items[0].span,
      "the file has no strategy and no risk block",
      "add `strategy Name on Instrument { ... }` or `risk Name on Instrument { ... }`",
    );
  if (!items.instrument && (items.strategy || items.risk))
    diags.error(
      "S003",
      (items.strategy ?? items.risk)!.span,
      "no instrument is declared",
      "add `instrument NAME { tick = 0.01 lot = 1 multiplier = 1 }`",
    );
  return ast.items.length ? items : undefined;
}

function groupHandlers(strategy: A.StrategyDecl | undefined, diags: Diagnostics): Map<EventKindName, A.Handler> {
  const map = new Map<EventKindName, A.Handler>();
  for (const m of strategy?.members ?? []) {
    if (m.kind !== "handler") continue;
    const event = m.event.name as EventKindName;
    if (!["book", "trade", "fill", "timer"].includes(event)) {
      diags.error(
        "N006",
        m.event.span,
        `unknown event '${m.event.name}'`,
        "strategies handle book, trade, fill and timer events",
      );
      continue;
    }
    if (map.has(event)) {
      diags.error("N002", m.event.span, `a second 'on ${event}' handler`, "merge the two handlers into one");
      continue;
    }
    map.set(event, m);
  }
  return map;
}

/** The strategy's fns by name: a name taken by a built-in function or another fn is an error. */
function declareFns(strategy: A.StrategyDecl | undefined, model: ProgramModel): Map<string, A.FnDecl> {
  const fns = new Map<string, A.FnDecl>();
  for (const m of strategy?.members ?? []) {
    if (m.kind !== "fn") continue;
    const name = m.name.name;
    const clash = fns.has(name) ? "another fn" : isKnownFunction(name) ? "a built-in function" : undefined;
    const twice = m.params.find((p, i) => m.params.findIndex((q) => q.name === p.name) !== i);
    if (clash || twice) {
      model.diags.error(
        "N002",
        twice?.span ?? m.name.span,
        twice ? `the parameter '${twice.name}' appears twice` : `'${name}' is already ${clash}`,
        "pick another name",
      );
      continue;
    }
    fns.set(name, m);
  }
  warnUncalledFns(strategy, fns, model);
  return fns;
}

/** A fn is checked where it is inlined: one no handler or state reaches is never checked, so say so. */
function warnUncalledFns(strategy: A.StrategyDecl | undefined, fns: ReadonlyMap<string, A.FnDecl>, model: ProgramModel): void {
  const reached = namesUsed(strategy && { ...strategy, members: strategy.members.filter((m) => m.kind !== "fn") });
  const todo = [...reached].filter((n) => fns.has(n));
  for (let name = todo.pop(); name !== undefined; name = todo.pop())
    for (const n of namesIn(fns.get(name)!.body)) if (fns.has(n) && !reached.has(n)) todo.push(n), reached.add(n);
  for (const [name, fn] of fns)
    if (!reached.has(name))
      model.diags.warning("N018", fn.name.span, `fn '${name}' is never called, so its body is not checked`, "call it from a handler or a state, or remove it");
}

/** User states get their slots first; primitive states are placed when their argument's format is known. */
function declareStates(strategy: A.StrategyDecl | undefined, model: ProgramModel, globals: GlobalNames): Primitive[] {
  const primitives: Primitive[] = [];
  for (const m of strategy?.members ?? []) {
    if (m.kind !== "state") continue;
    const name = m.name.name;
    if (globals.states.has(name) || model.paramInfo.has(name) || isHeldQuoteName(name)) {
      model.diags.error(
        "N002",
        m.name.span,
        `'${name}' is already defined`,
        model.builtinStates.has(name) || isHeldQuoteName(name) ? `${name} is maintained by Lockstep; pick another name` : "pick another name",
      );
      continue;
    }
    const prim = classifyPrimitive(m, model, globals.fns);
    if (prim) {
      primitives.push(prim);
      continue;
    }
    // a declaration that failed was reported once: its uses are not reported again as unknown names
    if (!(m.init.kind === "call" && isPrimitiveName(m.init.callee.name))) declareUserState(m, model, globals);
    if (!globals.states.has(name)) model.rejectedNames.add(name);
  }
  return primitives;
}

function declareUserState(m: A.StateDecl, model: ProgramModel, globals: GlobalNames): void {
  if (m.init.kind === "call" && !isKnownFunction(m.init.callee.name) && !globals.fns.has(m.init.callee.name)) {
    // the root cause: "needs a type" would send the author after the wrong fix
    model.diags.error("N003", m.init.callee.span, `unknown function '${m.init.callee.name}'`, unknownFunctionHint(m.init.callee.name, globals.fns.keys()));
    return;
  }
  if (m.init.kind === "call" && globals.fns.has(m.init.callee.name)) {
    model.diags.error(
      "T007",
      m.init.span,
      `a state starts from a constant; '${m.init.callee.name}' is a fn, computed in a handler`,
      `write the starting value (e.g. = 0) and assign it in a handler: ${m.name.name} = ${model.file.text.slice(m.init.span.start, m.init.span.end)}`,
    );
    return;
  }
  if (!m.type) {
    model.diags.error(
      "T011",
      m.name.span,
      `state '${m.name.name}' needs a type`,
      "write state name : T = init, e.g. state count : int = 0",
    );
    return;
  }
  const type = resolveType(m.type, model.instrument, model.diags);
  if (!type) return;
  const range = m.range ? integerRangeIn(m.range, type.frac, model) : type.format;
  if (!range) return;
  const isBool = type.name === "bool";
  if (isBool !== (m.init.kind === "bool") && !(isBool && m.init.kind === "number")) {
    model.diags.error(
      "T007",
      m.init.span,
      isBool ? "a bool state starts true or false" : "a number state cannot start true or false",
      isBool ? "write = false or = true" : "write e.g. = 0, or declare the state : bool",
    );
    return;
  }
  const init = m.init.kind === "bool" ? X.rat(m.init.value ? 1n : 0n) : constantValue(m.init);
  if (!init) {
    model.diags.error("T007", m.init.span, "a state's initial value must be a constant", "write e.g. = 0");
    return;
  }
  const raw = quantizeChecked(init, type, m.init.span, model);
  if (raw < range.lo || raw > range.hi) {
    model.diags.error(
      "T009",
      m.init.span,
      "the initial value is outside the state's range",
      "change the initial value or the range",
    );
    return;
  }
  globals.states.set(
    m.name.name,
    model.addState({ name: m.name.name, frac: type.frac, range, init: raw, loc: model.loc(m.span) }, type.unit, type.name === "bool"),
  );
}

function integerRangeIn(r: A.RangeExpr, frac: number, model: ProgramModel) {
  const lo = constantValue(r.lo);
  const hi = constantValue(r.hi);
  if (!lo || !hi) return integerRange(r, model.diags);
  const scale = 1n << BigInt(frac);
  const a = (lo.n * scale) / lo.d;
  const b = (hi.n * scale) / hi.d;
  if (a > b) {
    model.diags.error(
      "T006",
      r.span,
      "the range is empty: its lower bound is greater than its upper bound",
      "write the lower bound first",
    );
    return undefined;
  }
  return iv(a, b);
}

function lowerPrimitives(
  primitives: Primitive[],
  contexts: Map<EventKindName, { ctx: HandlerContext }>,
  model: ProgramModel,
  globals: GlobalNames,
): void {
  for (const p of primitives) {
    const { ctx } = contexts.get(p.event)!;
    const name = p.decl.name.name;
    const slotOf = (frac: number, range: { lo: bigint; hi: bigint }, unit: Unit) => {
      const slot = model.addState({ name, frac, range, init: 0n, loc: model.loc(p.decl.span) }, unit);
      globals.states.set(name, slot);
      model.primitiveStates.add(name);
      return slot;
    };
    if (p.call.callee.name === "ewma") lowerEwma(p, slotOf, ctx);
    else if (isRolling(p.call.callee.name)) lowerRollingWindow(p, slotOf, ctx);
    else lowerVamp(p, slotOf, ctx);
    if (!globals.states.has(name)) model.rejectedNames.add(name);
  }
}

/** Level 0 keeps the plain names (quote_bid); level k adds a suffix (quote_bid_1). */
function quoteOutput(field: number, level: number): string {
  return level === 0 ? QUOTE_OUTPUTS[field] : `${QUOTE_OUTPUTS[field]}_${level}`;
}

/** quote_bid_2 is in ticks like quote_bid; invariant_N is a flag. */
function outputUnit(name: string): string {
  const quote = QUOTE_OUTPUTS.findIndex((q) => name === q || (name.startsWith(`${q}_`) && /^\d+$/.test(name.slice(q.length + 1))));
  if (quote >= 0) return QUOTE_UNITS[quote];
  return VERDICT_UNITS[name] ?? "bool";
}

/** Each output's range is the hull over every handler that writes it (0 where none does). */
function outputSlots(handlers: Handler[], names: readonly string[]): OutputSlot[] {
  return names.map((name, slot) => {
    let range = iv(0n, 0n);
    for (const h of handlers)
      for (const o of h.outputs) if (o.slot === slot) range = hull(range, h.body[o.value].range);
    return { name, frac: 0, range, unit: outputUnit(name) };
  });
}

export type { Span };
