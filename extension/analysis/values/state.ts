/**
 * The interpreter's state: the context a function runs in (mode, autocast), one path through it
 * (variables, the conditions assumed, the enclosing gates; forked at a split, merged when there are
 * too many), and what it observes at attention calls.
 */
import type { AttentionApi, Dtype, Fact, Mode, SdpaSwitches } from '../../../runtime/dispatch/facts';
import type { ArgRole } from './attention-apis';
import { DEFAULT_DIFFUSERS_BACKEND as DEFAULT_BACKEND } from './diffusers-backends';
import type { FunctionInfo, ModuleInfo } from '../workspace-index/module-index';
import type { SyntaxNode } from '../syntax/syntax';
import { join, joinFact, joinSwitches, type ManualStage, type Value } from './values';
import type { ForkMap } from './fork-map';

/** What holds for the whole call of a function. */
export interface Ctx {
  readonly mode: Fact<Mode> & { readonly known: true };
  /** true when no caller established the mode and both are analysed. */
  readonly modeAssumed: boolean;
  /**
   * A function callers reach on the other path kind only, analysed on this one for its facts: unlike
   * a function nobody calls (whose unseen callers may take either kind), it says nothing of reaching.
   */
  readonly mirror?: true;
  readonly autocast: Fact<Dtype | null>;
  /** SDPA's backend switches (`sdpa_kernel`, `enable_*_sdp`); absent where the code sets none. */
  readonly sdpa?: SdpaSwitches;
  /** diffusers' active attention backend (`attention_backend(…)`, `set_attention_backend(…)`); absent where the code sets none. */
  readonly diffusersBackend?: Fact<string>;
  /** Where `torch.compile` wraps this call (`` `torch.compile(…)` at train.py:12 ``); absent where nothing the files show compiles it. */
  readonly compiled?: string;
  /**
   * Set for a function run only because a branch the facts rule out calls it (and nothing else
   * does): every path of it is dead by this guard, its attention calls not reached.
   */
  readonly dead?: Guard;
  /**
   * What an entry point run with no caller assumed of its inputs (`` `x` is a float32 tensor (assumed: …) ``):
   * conditions of every path below it, its callees' included (assumed-inputs.ts).
   */
  readonly inputs?: readonly string[];
}

/** A condition decided on a path: the `if` test, which branch, and why. */
export interface Guard {
  readonly node: SyntaxNode;
  readonly taken: boolean;
  readonly why: string;
  /** The library attention functions the taken side calls where it is written (branch-calls.ts), where it calls any. */
  readonly alongside?: readonly AttentionApi[];
}

export interface PathState {
  env: ForkMap<string, Value>;
  /** Atoms of undetermined conditions this path assumed (id → value), with their text. */
  assume: ForkMap<string, boolean>;
  assumeText: ForkMap<string, string>;
  ctx: Ctx;
  /** Set on a branch the facts rule out: the guard that rules it out. Observations there are hypothetical. */
  dead: Guard | null;
  /**
   * Set on a path a decided `if` without `else` ended (`if bias is None: return scores`): the state it
   * entered with and the guard, so what follows the `if` is walked as the side the facts rule out.
   */
  endedBy?: { readonly entry: PathState; readonly guard: Guard };
  /** Attributes assigned to `self` (collected while running `__init__`). */
  selfAttrs: ForkMap<string, Value>;
  done: boolean;
}

/** One function invocation being interpreted. */
export interface Frame {
  readonly fn: FunctionInfo;
  readonly module: ModuleInfo;
  readonly self: Value | undefined;
  readonly returns: Value[];
  /** A `@contextmanager` generator's frame: where its paths reach `yield` (contexts.ts makes its context manager of them). */
  readonly yields?: YieldPoint[];
  /** A class's `__enter__`: what each path returned (its paths that return are its yield points, see runFunction). */
  readonly returned?: Map<PathState, Value>;
  /** Set when the analysis budget ran out while this frame ran (budget.ts): its result is unknown, for this reason. */
  cut?: string;
  /** What the frame's returns in branches the facts rule out give (manual-attention's `unlessChangedElsewhere` reads them). */
  deadReturns?: Value[];
  /** Dims of its arguments that are one variable of a caller still running (values.ts argumentDimVariables). */
  readonly inherited?: ReadonlyMap<Value, Value>;
  /**
   * Loop bodies running in this frame (for a construction helper, its caller's too): a statement
   * there may run many times though it is walked once, so a list it appends to has any number of items.
   */
  loops?: number;
}

/** A path of a `@contextmanager` generator at its `yield`: the context then in force, what it yields, the conditions it assumed. */
export interface YieldPoint {
  readonly ctx: Ctx;
  readonly value: Value;
  readonly assumeText: ReadonlyMap<string, string>;
  readonly assume: ReadonlyMap<string, boolean>;
}

export interface ObservedArg {
  readonly value: Value;
  /** The argument's syntax, where it is written at the call. */
  readonly node: SyntaxNode | null;
}

/** What one path saw at one attention call. */
export interface Observation {
  readonly site: SyntaxNode;
  readonly fn: FunctionInfo;
  readonly api: AttentionApi;
  readonly apiText: string;
  readonly ctx: Ctx;
  readonly args: Partial<Record<ArgRole, ObservedArg>>;
  /** The `nn.MultiheadAttention` module, for its constructor arguments. */
  readonly module?: Value;
  /** Hand-written attention: what was applied between q·kᵀ and ·v. */
  readonly manual?: ManualStage;
  /** How the call's module names `torch.nn.functional`, for fixes that call it; absent when it imports neither it nor torch. */
  readonly functional?: string;
  /** Conditions assumed on the path, as text (`flash_attn is installed`). */
  readonly assumed: readonly string[];
  /** Optional libraries the path assumed installed or not (an `ImportError` guard, `x is not None` on its import). */
  readonly installed: InstalledOnPath;
  readonly dead: Guard | null;
  /** Dims q and k provably share at the call (index → the variable, e.g. "`T`"; see bindUnknown), where the code shows it. */
  readonly sharedDims?: ReadonlyMap<number, string>;
}

export type OptionalLibrary = 'flash_attn' | 'xformers';
export const OPTIONAL_LIBRARIES: readonly OptionalLibrary[] = ['flash_attn', 'xformers'];
/** Whether a library is installed where a path runs, and why that is known. */
export interface LibraryOnPath { readonly value: boolean; readonly why: string }
export type InstalledOnPath = Partial<Record<OptionalLibrary, LibraryOnPath>>;

/** What a path's assumptions say about the optional libraries. */
export function installedOn(st: PathState): InstalledOnPath {
  const out: InstalledOnPath = {};
  for (const lib of OPTIONAL_LIBRARIES) {
    const v = st.assume.get(`installed:${lib}`);
    if (v !== undefined) out[lib] = { value: v, why: onPathWhy(lib, v) };
  }
  return out;
}

/** The reason given when the paths reaching a call settle a library by their assumptions. */
export function onPathWhy(lib: OptionalLibrary, installed: boolean): string {
  return `${lib} ${installed ? 'is' : 'is not'} installed on the paths reaching this call`;
}

export function forkState(s: PathState): PathState {
  return {
    env: s.env.fork(), assume: s.assume.fork(), assumeText: s.assumeText.fork(), ctx: s.ctx, dead: s.dead,
    selfAttrs: s.selfAttrs.fork(), done: s.done,
  };
}

/**
 * Two paths that differ only in one condition, assumed true on one and false on the other, are one
 * path: an `if` on an undetermined condition whose two sides left the same variables, the same
 * context and the same attributes (a branch that only logs, say) no longer depends on that condition.
 * Only complementary pairs merge (`A and c` with `A and not c` is `A`), so a path that ended on one
 * side (an early `return`) still limits what follows. Observations made inside the branches keep
 * their assumptions; what follows runs once instead of once per side. Ended paths are kept apart.
 */
export function collapseEquivalent(states: PathState[]): PathState[] {
  if (states.length < 2) return states;
  let out = states;
  for (let merged = true; merged && out.length > 1;) {
    merged = false;
    const next: PathState[] = [];
    for (const s of out) {
      const pair = s.done ? -1 : next.findIndex((o) => !o.done && complementary(o, s));
      if (pair < 0) { next.push(s); continue; }
      const o = next[pair]!;
      for (const [k, v] of o.assume) if (s.assume.get(k) !== v) { o.assume.delete(k); o.assumeText.delete(k); }
      merged = true;
    }
    out = next;
  }
  return out;
}

/** Same values, context and attributes, and assumptions that differ in the value of exactly one condition. */
function complementary(a: PathState, b: PathState): boolean {
  if (a.ctx !== b.ctx || a.dead !== b.dead || a.assume.size !== b.assume.size) return false;
  let differ = 0;
  for (const [k, v] of a.assume) {
    const w = b.assume.get(k);
    if (w === undefined) return false;
    if (w !== v && ++differ > 1) return false;
  }
  return differ === 1 && sameEntries(a.env, b.env) && sameEntries(a.selfAttrs, b.selfAttrs);
}

function sameEntries<K, V>(a: ReadonlyMap<K, V>, b: ReadonlyMap<K, V>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** Merge paths when there are too many: values join, assumptions kept only where all agree, SDPA switches join. */
export function mergeStates(states: readonly PathState[]): PathState {
  const first = forkState(states[0]);
  for (const s of states.slice(1)) {
    if (s.ctx.sdpa !== first.ctx.sdpa) first.ctx = { ...first.ctx, sdpa: joinSwitches(first.ctx.sdpa, s.ctx.sdpa) };
    if (s.ctx.diffusersBackend !== first.ctx.diffusersBackend) first.ctx = { ...first.ctx, diffusersBackend: joinFact(first.ctx.diffusersBackend ?? DEFAULT_BACKEND, s.ctx.diffusersBackend ?? DEFAULT_BACKEND) };
    for (const [k, v] of s.env) first.env.set(k, first.env.has(k) ? join(first.env.get(k)!, v) : v);
    for (const [k, v] of s.selfAttrs) first.selfAttrs.set(k, first.selfAttrs.has(k) ? join(first.selfAttrs.get(k)!, v) : v);
    for (const [k, v] of first.assume) if (s.assume.get(k) !== v) { first.assume.delete(k); first.assumeText.delete(k); }
    first.done = first.done && s.done;
  }
  return first;
}

/** The conditions a path holds on, as text: those it assumed at its own splits, then its entry point's assumed inputs. */
export function pathConditions(st: PathState): string[] {
  return [...st.assumeText.values(), ...(st.ctx.inputs ?? [])];
}
