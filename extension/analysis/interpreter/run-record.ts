/**
 * What one interpretation run has seen (observations, functions reached and on which path kinds,
 * calls of modules of unknown class, models driver code calls), and the recorder of each invocation
 * under way: what happens is noted in the run and in the innermost invocation's effects; an
 * invocation that ends becomes an `inner` event of the one that called it, so a later reuse of the
 * caller replays it too (invocation-cache.ts). Nothing is copied into enclosing invocations: the
 * effects form a graph, and each replay walks it once.
 */
import type { Mode } from '../../../runtime/dispatch/facts';
import type { Construction, DeadCall, EffectEvent, Effects } from './invocation-cache';
import type { InternalError } from '../values/internal-errors';
import type { Observation } from '../values/state';
import { Rebindings, type Rebinding } from './rebindings';

/** Numbers runs, so that effects carry which run applied them (Effects.appliedIn). */
let runs = 0;

export class RunRecord {
  /** This run's number: effects marked with it are applied already. */
  private readonly id = ++runs;
  private readonly seen = new Set<Observation>();
  /** Every observation of the run, once each, in the order first seen. */
  readonly observations: Observation[] = [];
  /** Functions run at least once. */
  readonly invoked = new Set<string>();
  /** The functions reached from an established (not assumed) caller, per path kind (two sets, not one per function). */
  private readonly reachedOn: Readonly<Record<Mode, Set<string>>> = { train: new Set(), infer: new Set() };
  /** Per path kind, the first call of a module whose class the code does not show, on an established path. */
  readonly unresolved = new Map<Mode, string>();
  /** Forwards of models that driver code calls on established paths: what a module of unknown class may be. */
  readonly modelEntries = new Set<string>();
  /** Calls on paths the facts rule out, in the order made (or replayed): what Interpreter.runDeadCalls runs dead. */
  readonly deadCalls: DeadCall[] = [];
  /** Places whose analysis failed (an invocation that failed is never kept, so each run records its own). */
  readonly failures: InternalError[] = [];
  /** Names code rebound for readers elsewhere, by the invocations run or reused in this run. */
  readonly rebindings = new Rebindings();
  /** The effects of the invocations under way, innermost last. */
  private readonly recorders: Effects[] = [];
  /** What `watch` looks for, and whether it was reached since. */
  private watching: { readonly test: (o: Observation) => boolean; hit: boolean } | undefined;
  /** Effects graphs known to reach no observation the watched test accepts (the test never changes). */
  private readonly missesWatched = new WeakSet<Effects>();

  /**
   * `reused` is told of each effects object kept from an earlier run when this run first applies it
   * (in the order a fresh run would have made it): the interpreter makes its memo entries and
   * instances this run's in the same walk.
   */
  constructor(private readonly reused: (effects: Effects) => void = () => undefined) {}

  /**
   * From now on, note whether an observation `test` accepts is reached, made here or replayed from
   * a reused invocation (also one this run has applied already); `watched()` answers and stops.
   * Every call passes the same test.
   */
  watch(test: (o: Observation) => boolean): void {
    this.watching = { test, hit: false };
  }

  watched(): boolean {
    const hit = this.watching?.hit ?? false;
    this.watching = undefined;
    return hit;
  }

  /** The effects of the entry point being run, below every invocation: not counted in the call depth. */
  private entryEffects: Effects | undefined;

  /** Record what an entry point reads and does (Interpreter.runRoot), until `endEntryPoint`. */
  startEntryPoint(effects: Effects): void {
    this.entryEffects = effects;
  }

  endEntryPoint(): void {
    this.entryEffects = undefined;
  }

  /** Whether this run applied these effects: made them, or reused what holds them. */
  applied(effects: Effects): boolean {
    return effects.appliedIn === this.id;
  }

  /** Whether a function was reached on a path kind from an established caller. */
  reached(id: string, mode: Mode): boolean {
    return this.reachedOn[mode].has(id);
  }

  /** Start recording an invocation's effects (inside those under way). */
  push(effects: Effects): void {
    this.recorders.push(effects);
  }

  /** The innermost invocation ended: its effects become part of the one that called it. */
  pop(key: string): void {
    const effects = this.recorders.pop()!;
    effects.key = key;
    effects.cutAt.delete(key);
    effects.appliedIn = this.id;
    this.link(effects);
  }

  /** How many invocations are under way. */
  get depth(): number {
    return this.recorders.length;
  }

  observe(obs: Observation): void {
    this.add(obs);
    this.note({ observed: obs });
  }

  invokedFn(id: string, mode: Mode | null): void {
    this.apply({ invoked: id, mode });
    this.note({ invoked: id, mode });
  }

  entry(id: string): void {
    this.modelEntries.add(id);
    this.note({ entry: id });
  }

  unresolvedCall(mode: Mode, what: string): void {
    if (!this.unresolved.has(mode)) this.unresolved.set(mode, what);
    this.note({ unresolved: mode, what });
  }

  /** A call a ruled-out path makes is part of what the invocation did: a reuse of it notes the call again. */
  deadCall(call: DeadCall): void {
    this.deadCalls.push(call);
    this.note({ deadCall: call });
  }

  /** A rebinding is part of what the invocation did: a reuse of it binds again. */
  rebind(binding: Rebinding): void {
    this.rebindings.bind(binding);
    this.note({ rebound: binding });
  }

  failed(error: InternalError): void {
    this.failures.push(error);
  }

  /** What is being recorded read this statement (a unit, or a module's globals token). */
  touch(unit: object): void {
    this.innermost()?.units.add(unit);
  }

  /** What is being recorded depends on what these effects read (a reused instance's construction), without doing what they did. */
  depend(effects: Effects): void {
    const r = this.innermost();
    if (r && r !== effects) r.depends.add(effects);
  }

  /** What is being recorded found `definition` for a function or class id (`fn:<id>`, `class:<id>`). */
  resolved(key: string, definition: object | null): void {
    this.innermost()?.resolved.set(key, definition);
  }

  /** An instance built (or reused) inside what is being recorded. */
  built(construction: Construction): void {
    this.innermost()?.ctors.push(construction);
  }

  /** A recursion was cut at the invocation of `key`, under way: what is recorded depends on the stack up to it. */
  cutRecursion(key: string): void {
    this.innermost()?.cutAt.add(key);
  }

  /** What is being recorded depends on how deep it runs or on the run's order: not kept for the next run. */
  uncacheable(): void {
    for (const r of this.recorders) r.cacheable = false;
    if (this.entryEffects) this.entryEffects.cacheable = false;
  }

  /**
   * A reused invocation's effects (kept from the last run, or made earlier in this one): part of what
   * is being recorded, and applied to this run where it has not seen them yet.
   */
  replay(effects: Effects): void {
    if (effects.appliedIn !== this.id) this.applyAll(effects);
    else if (this.watching && !this.watching.hit) this.watching.hit = this.reachesWatched(effects);
    this.link(effects);
  }

  /** Whether a graph of effects observed what is watched; graphs found not to are remembered. */
  private reachesWatched(root: Effects): boolean {
    const test = this.watching!.test;
    const visited: Effects[] = [];
    const stack = [root];
    const seen = new Set<Effects>();
    while (stack.length > 0) {
      const effects = stack.pop()!;
      if (seen.has(effects) || this.missesWatched.has(effects)) continue;
      seen.add(effects);
      visited.push(effects);
      for (const ev of effects.events) {
        if ('observed' in ev && test(ev.observed)) return true;
        if ('inner' in ev) stack.push(ev.inner);
      }
    }
    for (const effects of visited) this.missesWatched.add(effects);
    return false;
  }

  private link(effects: Effects): void {
    const r = this.innermost();
    if (!r || r === effects) return;
    r.events.push({ inner: effects });
    r.cacheable &&= effects.cacheable;
    for (const key of effects.cutAt) r.cutAt.add(key);
  }

  private note(event: EffectEvent): void {
    this.innermost()?.events.push(event);
  }

  private innermost(): Effects | undefined {
    return this.recorders[this.recorders.length - 1] ?? this.entryEffects;
  }

  /** Apply a graph of effects to the run in the order its events happened, each effects object once. */
  private applyAll(root: Effects): void {
    this.firstApply(root);
    const stack: { readonly effects: Effects; index: number }[] = [{ effects: root, index: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.index >= top.effects.events.length) { stack.pop(); continue; }
      const ev = top.effects.events[top.index++]!;
      if (!('inner' in ev)) { this.apply(ev); continue; }
      if (ev.inner.appliedIn === this.id) continue;
      this.firstApply(ev.inner);
      stack.push({ effects: ev.inner, index: 0 });
    }
  }

  private firstApply(effects: Effects): void {
    effects.appliedIn = this.id;
    this.reused(effects);
  }

  private apply(ev: Exclude<EffectEvent, { inner: Effects }>): void {
    // The most frequent kind first: every invocation notes one.
    if ('invoked' in ev) {
      this.invoked.add(ev.invoked);
      if (ev.mode) this.reachedOn[ev.mode].add(ev.invoked);
      return;
    }
    if ('observed' in ev) { this.add(ev.observed); return; }
    if ('rebound' in ev) { this.rebindings.bind(ev.rebound); return; }
    if ('entry' in ev) { this.modelEntries.add(ev.entry); return; }
    if ('deadCall' in ev) { this.deadCalls.push(ev.deadCall); return; }
    if (!this.unresolved.has(ev.unresolved)) this.unresolved.set(ev.unresolved, ev.what);
  }

  private add(obs: Observation): void {
    if (this.watching && !this.watching.hit && this.watching.test(obs)) this.watching.hit = true;
    if (this.seen.has(obs)) return;
    this.seen.add(obs);
    this.observations.push(obs);
  }
}
