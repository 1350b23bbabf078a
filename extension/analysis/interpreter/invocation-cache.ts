/**
 * What the interpreter keeps of an invocation (a function call or a class construction) for reuse:
 * its result and its effects, recorded while it runs and replayed when a later call, in this run or
 * the next, reuses it; valid while every statement it read is unchanged.
 */
import type { Mode } from '../../../runtime/dispatch/facts';
import type { FunctionInfo } from '../workspace-index/module-index';
import type { CallArgs } from '../values/engine';
import type { CallLeft } from './call-left';
import type { SdpaSwitches } from '../../../runtime/dispatch/facts';
import type { Ctx, Guard, Observation } from '../values/state';
import type { Rebinding } from './rebindings';
import { factKey, renameBindings, type Value } from '../values/values';

/** An instance built in a run: what `self.x` reads, and what its construction did. */
export interface Construction {
  readonly key: string;
  /** Its arguments and context with the words of where they came from (CachedInvocation.exact). */
  readonly exact: string;
  /** The context it was built in (`factKey` of it): the first construction in a run decides the attributes. */
  readonly context: string;
  readonly attrs: Map<string, Value>;
  /**
   * What building it did (filled while it is built): the statements it read, the instances it made,
   * the calls it observed. Code that reuses the instance depends on all of it, so a reuse replays it.
   */
  readonly effects: Effects;
  /** The SDPA switches and diffusers backend its `__init__` left (set once it has run): code after the construction runs with them. */
  left?: CallLeft;
}

/** A call not run because the facts rule its path out: what it would have called, with what, where. */
export interface DeadCall {
  readonly callee: Value;
  readonly args: CallArgs;
  readonly ctx: Ctx;
  readonly guard: Guard;
}

/** One thing an invocation did, in the order it did it (a run's order decides which call of several is "first"). */
export type EffectEvent =
  | { readonly observed: Observation }
  | { readonly invoked: string; readonly mode: Mode | null }
  /** A call of a module of unknown class on an established path: (path kind, what was called). */
  | { readonly unresolved: Mode; readonly what: string }
  /** The forward of a model that driver code (not a module) calls on an established path, by function id. */
  | { readonly entry: string }
  /** A name it rebound for readers elsewhere (a `global` it assigned, an attribute a method set): rebindings.ts. */
  | { readonly rebound: Rebinding }
  /** A call on a path the facts rule out, for Interpreter.runDeadCalls. */
  | { readonly deadCall: DeadCall }
  /** An invocation made (or reused) inside it: its effects are part of these. */
  | { readonly inner: Effects };

/**
 * What an invocation did besides returning: replayed when its cached result is reused. Effects form
 * a graph: an invocation holds its own events and links to the effects of the invocations inside it
 * (`inner`, shared, never copied), so recording and reusing cost the same whatever the depth, and a
 * walk with a visited set reads each invocation's effects once.
 */
export interface Effects {
  /** The invocation's memo key (set when it ends; a construction's is its cache key). */
  key: string | null;
  /** A construction's: the key `built` finds its instance by in a run (its memo key without `new `), made once. */
  instanceKey?: string;
  /** A function invocation analysed with its own input: who it counts as a variant of (widening.ts). */
  variant?: { readonly owner: string; readonly input: string; readonly args: CallArgs };
  readonly events: EffectEvent[];
  /** Instances built inside it (their own effects are `inner` events or `depends` links). */
  readonly ctors: Construction[];
  /**
   * Effects whose statements its result depends on without replaying what they did: the construction
   * of an instance whose attributes it read.
   */
  readonly depends: Set<Effects>;
  /**
   * The statements it read itself (units, or a module's globals token). Where they start does not
   * matter: messages carry line marks, resolved when a report is read.
   */
  readonly units: Set<object>;
  /**
   * What the function and class ids it used resolved to (a file may define a name twice, and an edit
   * can change which definition an id finds while both statements stay): `fn:<id>` / `class:<id>` → definition.
   */
  readonly resolved: Map<string, object | null>;
  /** false when it, or an invocation inside it, depends on how deep it ran (a budget ended) or failed. */
  cacheable: boolean;
  /**
   * Memo keys of invocations under way that a recursion inside it was cut at: it depends on the call
   * stack until the invocation of that key, whose own result is the same wherever it is called, ends.
   */
  readonly cutAt: Set<string>;
  /**
   * The run (RunRecord) that last applied these effects: a run applies each once, and a mark on the
   * object is cheaper than a set of the 30,000 a keystroke's run on a real package reuses.
   */
  appliedIn: number;
}

/** Whether effects may be kept for the next run: nothing in them depends on the call stack. */
export function keepable(effects: Effects): boolean {
  return effects.cacheable && effects.cutAt.size === 0;
}

export function newEffects(): Effects {
  return { key: null, events: [], ctors: [], depends: new Set(), units: new Set(), resolved: new Map(), cacheable: true, cutAt: new Set(), appliedIn: 0 };
}

/** What a call gives its caller: the value it returns and the global state (SDPA switches, diffusers backend) it leaves behind. */
export interface Outcome {
  readonly result: Value;
  /** `enable_*_sdp(…)`, `set_attention_backend(…)` run inside it (outside a region it left): global state the caller's path continues with. */
  readonly left?: CallLeft;
  /**
   * The argument values it ran with: a call that reuses it (an equal memo key) passes values of the
   * same content that may carry other variables' bindings, renamed in the result (values.ts, renameBindings).
   */
  readonly args?: readonly Value[];
}

/** A call's argument values in memo-key order (positional, keywords, splats of unknown content). */
export function argValues(args: CallArgs): Value[] {
  const values = [...args.positional.map((a) => a.value), ...[...args.keywords.values()].map((a) => a.value)];
  if (args.morePositional) values.push(args.morePositional);
  if (args.moreKeywords) values.push(args.moreKeywords);
  return values;
}

export interface CachedInvocation extends Outcome {
  readonly effects: Effects;
  /**
   * Its input with the words of where each fact came from (`valueKey`): memo keys leave them out
   * (`factKey`), so that equal facts from two callers share an analysis in a run, whose messages
   * cite the first; kept for the next run only for the same words, as a fresh run would cite them.
   */
  readonly exact: string;
  /**
   * The definition that ran (a function's node, a class' statement): a file may define a name twice,
   * and an edit can change which definition the key's id resolves to.
   */
  readonly definition: object | string | null;
}

/**
 * Invocation results kept across runs, by memo key; valid while every statement read is unchanged.
 * One map for a session: each run adds what it makes, and keeps what earlier runs made in place
 * (a run that copied the results it reached into a new map spent a sixth of a keystroke so).
 */
export type InvocationCache = Map<string, CachedInvocation>;

/**
 * A module's top level as run for its globals, kept for the next run: valid while its effects are
 * (they read its own top-level statements and globals token, and those of the modules it imports).
 */
export interface KeptTopLevel {
  readonly globals: Map<string, Value>;
  /** The SDPA switches it sets at import time, and the paths of the modules they depend on. */
  readonly switches: SdpaSwitches | undefined;
  readonly switchesRead: readonly string[];
  /** Its top-level statements when it ran: a statement added since is not among what it read. */
  readonly statements: readonly object[];
  readonly effects: Effects;
}

/** Kept top-level runs by module path. */
export type TopLevelCache = ReadonlyMap<string, KeptTopLevel>;

/**
 * An entry point's run (Interpreter.runRoot), kept for the next run: its effects link to those of the
 * calls it made (the instance for `self`, the function itself), so reusing it replays them without
 * computing their keys again.
 */
export interface KeptEntry {
  readonly effects: Effects;
  /**
   * What its calls' keys are made of beyond its definition and what it read: the module's switches
   * and the words of the instance's no-caller arguments (two strings, each compared as made: most
   * often the same object as last run's).
   */
  readonly switches: string;
  readonly noCaller: string;
  readonly definition: object | string | null;
  /** Whether it built its `self` widened (widening.ts): then a reuse builds it first. */
  readonly widenedSelf: boolean;
}

/**
 * The arguments of an instance built with no caller (no-caller-args.ts), kept for the next run: they
 * read the files of the class and of its `__init__` and every statement that names the class.
 */
export interface KeptNoCaller {
  readonly args: CallArgs;
  readonly words: string;
  /** The constructor it read the parameters of (a base class' where inherited). */
  readonly init: FunctionInfo | undefined;
  readonly paths: readonly string[];
  /** Where the workspace builds classes by name (config-built.ts), when it was computed. */
  readonly factory: string | undefined;
}

/** What one run keeps for the next (the invocations with what runs before it kept): invocations by memo key, top-level runs by module path, entry points by key, no-caller arguments by class. */
export interface KeptRun {
  readonly invocations: InvocationCache;
  readonly topLevels: TopLevelCache;
  readonly entries: ReadonlyMap<string, KeptEntry>;
  readonly noCallers: ReadonlyMap<string, KeptNoCaller>;
}

/** Nothing kept yet: a first run, or settings changed. */
export function nothingKept(): KeptRun {
  return { invocations: new Map(), topLevels: new Map(), entries: new Map(), noCallers: new Map() };
}

/** What changed since the run whose results are kept: the files with statements added or removed, and those statements' texts. */
export interface RunChanges {
  readonly paths: ReadonlySet<string>;
  readonly texts: readonly string[];
}

/** The splats of unknown content in a call, for memo keys (empty when there are none). */
export function unpackedKey(args: CallArgs): string {
  return args.morePositional || args.moreKeywords || args.noCaller ? `|*${factKey(args.morePositional)}**${factKey(args.moreKeywords)}${args.noCaller ? '|root' : ''}` : '';
}

/** A kept outcome, for a call whose arguments are `values` (see Outcome.args). */
export function reusedWith(outcome: Outcome, values: readonly Value[]): Outcome {
  if (!outcome.args) return outcome;
  const result = renameBindings(outcome.result, outcome.args, values);
  return result === outcome.result ? outcome : { ...outcome, result };
}
