/**
 * What one interpretation run has seen (observations, functions reached and on which path kinds,
 * calls of modules of unknown class, models driver code calls), and the recorders of the
 * invocations under way: everything noted here is noted in the effects of each enclosing invocation
 * too, so a later reuse of that invocation can replay it (invocation-cache.ts).
 */
import type { Mode } from '../../../runtime/dispatch/facts';
import type { Construction, Effects } from './invocation-cache';
import type { Observation } from '../values/state';

export class RunRecord {
  private readonly seen = new Set<Observation>();
  /** Every observation of the run, once each, in the order first seen. */
  readonly observations: Observation[] = [];
  /** Functions run at least once. */
  readonly invoked = new Set<string>();
  /** Path kinds each function was reached on from an established (not assumed) caller. */
  readonly realModes = new Map<string, Set<Mode>>();
  /** Per path kind, the first call of a module whose class the code does not show, on an established path. */
  readonly unresolved = new Map<Mode, string>();
  /** Forwards of models that driver code calls on established paths: what a module of unknown class may be. */
  readonly modelEntries = new Set<string>();
  /** The effects of the invocations under way, innermost last. */
  private readonly recorders: Effects[] = [];

  /** Start recording an invocation's effects (nested in those under way). */
  push(effects: Effects): void {
    this.recorders.push(effects);
  }

  /** The innermost invocation ended: its memo key is part of what encloses it. */
  pop(key: string): void {
    this.recorders.pop();
    for (const r of this.recorders) r.nested.push(key);
  }

  observe(obs: Observation): void {
    this.add(obs);
    for (const r of this.recorders) r.observations.add(obs);
  }

  invokedFn(id: string, mode: Mode | null): void {
    this.invoked.add(id);
    if (mode) {
      const modes = this.realModes.get(id) ?? new Set<Mode>();
      modes.add(mode);
      this.realModes.set(id, modes);
    }
    for (const r of this.recorders) r.invoked.push([id, mode]);
  }

  entry(id: string): void {
    this.modelEntries.add(id);
    for (const r of this.recorders) r.entries.push(id);
  }

  unresolvedCall(mode: Mode, what: string): void {
    if (!this.unresolved.has(mode)) this.unresolved.set(mode, what);
    for (const r of this.recorders) r.unresolved.push([mode, what]);
  }

  /** What is being recorded read this statement (a unit, or a module's globals token). */
  touch(unit: object): void {
    for (const r of this.recorders) r.units.add(unit);
  }

  /** What is being recorded read all of these (what a reused instance's construction read). */
  touchAll(units: Iterable<object>): void {
    for (const r of this.recorders) for (const unit of units) r.units.add(unit);
  }

  /** What is being recorded found `definition` for a function or class id (`fn:<id>`, `class:<id>`). */
  resolved(key: string, definition: object | null): void {
    for (const r of this.recorders) r.resolved.set(key, definition);
  }

  /** An instance built (or reused) inside what is being recorded. */
  built(construction: Construction): void {
    for (const r of this.recorders) r.ctors.push(construction);
  }

  /** What is being recorded depends on the call stack or the run's order: not kept for the next run. */
  uncacheable(): void {
    for (const r of this.recorders) r.cacheable = false;
  }

  /** A reused invocation's effects; `fresh` when this run has not seen them yet (else only the enclosing recorders learn them). */
  replay(effects: Effects, fresh: boolean): void {
    if (fresh) {
      for (const o of effects.observations) this.add(o);
      for (const [id, mode] of effects.invoked) this.invokedFn(id, mode);
      for (const [mode, what] of effects.unresolved) this.unresolvedCall(mode, what);
      for (const id of effects.entries) this.entry(id);
    }
    for (const r of this.recorders) {
      for (const o of effects.observations) r.observations.add(o);
      if (!fresh) { r.invoked.push(...effects.invoked); r.unresolved.push(...effects.unresolved); r.entries.push(...effects.entries); }
      r.ctors.push(...effects.ctors);
      r.nested.push(...effects.nested);
      for (const unit of effects.units) r.units.add(unit);
      for (const [key, definition] of effects.resolved) r.resolved.set(key, definition);
      r.cacheable &&= effects.cacheable;
    }
  }

  private add(obs: Observation): void {
    if (this.seen.has(obs)) return;
    this.seen.add(obs);
    this.observations.push(obs);
  }
}
