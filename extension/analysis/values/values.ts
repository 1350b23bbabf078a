/**
 * The abstract values the interpreter computes for Python expressions. A value says what is
 * established and where it came from; anything else is `unknown` with what it depends on.
 */
import { negatedText } from './assumptions';
import type { Dtype, Fact, Layout, Mode, SdpaSwitches, UnknownFact } from '../../../runtime/dispatch/facts';
import { isAutocastCastable, known, SDPA_BACKENDS, unknown } from '../../../runtime/dispatch/facts';
import type { CallArgs } from './engine';
import type { SyntaxNode } from '../syntax/syntax';

/** The role of a tensor dimension, read from the names the code uses for it. */
export type DimRole = 'B' | 'L' | 'H' | 'D';

export interface Dim {
  readonly value: number | null;
  readonly role: DimRole | null;
  /** Where the extent came from, e.g. "`self.head_dim` = 64 (embed_dim // num_heads, defaults of SelfAttention)". */
  readonly source: string;
  /**
   * The variable binding whose value the extent is, when it is not a number (`T` in `view(B, T, …)`;
   * see bindUnknown): two dims with the same binding have the same extent in the frame that bound it.
   */
  readonly symbol?: Value;
  /**
   * One side of a dim cut in two at one point (`x[..., :half]`, `x[..., half:]`), or (`part`
   * `'equal'`) each half of a dim split into pairs (`x.reshape(*x.shape[:-1], -1, 2)`): RoPE's
   * halves, which `torch.cat` (or `stack` then `flatten`) puts back into the whole.
   */
  readonly halfOf?: { readonly whole: Dim; readonly at: string; readonly part: 'low' | 'high' | 'equal' };
  /** A 1 that met a tensor of unknown shape: 1 or whatever that one's dim is, so the extent of any dim it meets. */
  readonly stretches?: true;
}

/** An undetermined condition: atoms are facts the analysis does not know (settings, arguments). */
export type Formula =
  | { readonly op: 'atom'; readonly id: string; readonly text: string;
      /** Where the atom is one value of an unknown with a few (value-cases.ts): the atoms of all its values, of which exactly one holds. */
      readonly cases?: readonly CaseAtom[] }
  | { readonly op: 'not'; readonly a: Formula }
  | { readonly op: 'and' | 'or'; readonly a: Formula; readonly b: Formula };

/** One value of an unknown with a few (`` `attn_mode` is "torch" ``): an atom a path assumes true or false. */
export interface CaseAtom { readonly id: string; readonly text: string }

/**
 * The values the code allows an unknown (`assert mode in self.MODES`, `Literal[…]`): each is a case
 * (value-cases.ts). `name` names the unknown in the cases' words, `origin` where its value comes from.
 */
export interface Domain { readonly name: string; readonly origin: string; readonly values: readonly Value[] }

/**
 * A stage of hand-written attention carried on a tensor: `scores` = q·kᵀ (possibly scaled, masked),
 * `probs` = softmax of scores (possibly dropped out). `·v` on probs is an attention call site.
 */
export interface ManualStage {
  readonly stage: 'scores' | 'probs';
  readonly q: Value;
  readonly k: Value;
  readonly qNode: SyntaxNode;
  readonly kNode: SyntaxNode;
  readonly mask?: { readonly value: Value; readonly node: SyntaxNode };
  /**
   * Scores written as an einsum whose subscripts index q, k, v in this layout (`'bhqd,bhkd->bhqk'`:
   * BHLD, `'bthd,bshd->bhts'`: BLHD); k is then written untransposed.
   */
  readonly einsumLayout?: Layout;
  /** The scalar the scores were multiplied (`*`) or divided (`/`) by. */
  readonly scale?: { readonly node: SyntaxNode; readonly op: '*' | '/' };
  readonly dropout?: ManualDropout;
  /** The dropout probability applied to the probabilities on this path (0 where dropout is off), however it was written. */
  readonly dropoutP?: Value;
  /**
   * A branch the facts rule out here masks the scores (`if mask is not None:` with `mask=None`): other
   * callers may take it, so the SDPA call needs `attn_mask` for them.
   */
  readonly maskedElsewhere?: true;
  /** Set once an op the SDPA quick fix cannot carry over touched the chain (a cast, a second scaling, einsum). */
  readonly opaque?: true;
}

/**
 * Dropout on the probabilities, for SDPA's `dropout_p`: `F.dropout(probs, p)` gives `node` = p, with
 * `trainingNode` when it says `training=t`; `self.drop(probs)` (an `nn.Dropout`) gives the module as `node`.
 */
export interface ManualDropout {
  readonly node: SyntaxNode;
  readonly trainingNode?: SyntaxNode;
  readonly module?: true;
}

export type Value =
  | { readonly t: 'tensor'; readonly dtype: Fact<Dtype>; readonly bool?: boolean; readonly shape?: readonly Dim[];
      /** The last dim where the rank is not known (`nn.Linear`'s output features on an input of unknown shape). */
      readonly lastDim?: Dim;
      readonly param?: boolean; readonly origin: string; readonly manual?: ManualStage;
      /** Set by a transpose of the last two dims: the tensor before it (k in q @ k.transpose(-2, -1)). */
      readonly transposedFrom?: Value;
      /** Set by `permute(…)` with every position known: the order, to match q·kᵀ written as two permutes of (B, L, H, D). */
      readonly permutation?: readonly number[];
      /** Built from `tril`/`triu` (a causal mask, of either polarity), through views, slices and comparisons. */
      readonly triangular?: true }
  | { readonly t: 'none'; readonly source: string }
  /** `slice(start, stop)`: an index that keeps the dim it indexes (`q[batch]`), its extent not known. */
  | { readonly t: 'slice'; readonly text: string }
  | { readonly t: 'bool'; readonly value: boolean; readonly why: string }
  | { readonly t: 'cond'; readonly f: Formula }
  /** `int`: a Python int (an integer literal, a dim, arithmetic on ints); without it, a Python float. */
  | { readonly t: 'num'; readonly value: number; readonly source: string; readonly int?: true }
  | { readonly t: 'str'; readonly value: string }
  | { readonly t: 'dtype'; readonly value: Dtype; readonly source: string }
  | { readonly t: 'tuple'; readonly items: readonly Value[] }
  /**
   * A tuple whose length is not known but whose first `items` are (`unpad_input` returns four items
   * or five, by flash-attn version), or whose last `tail` items are (`x.shape` of a tensor of unknown
   * rank whose last dim is known): `why` says what the length depends on.
   */
  | { readonly t: 'opentuple'; readonly items: readonly Value[]; readonly tail?: readonly Value[]; readonly why: string }
  /** A dict with string keys (collected `**kwargs`, a `{…}` / `dict(…)` literal, an `OrderedDict`), in order. */
  | { readonly t: 'dict'; readonly entries: readonly (readonly [string, Value])[] }
  /** Any number of items like `item` (unbind/chunk/split results, module lists). */
  | { readonly t: 'many'; readonly item: Value }
  /**
   * An instance of a workspace class, constructed with the arguments behind `key` (their facts);
   * `exact` adds the words of where they came from, as the construction that set its attributes got them.
   */
  | { readonly t: 'instance'; readonly cls: string; readonly key: string; readonly exact?: string; readonly cast?: Dtype }
  /** An instance of a torch.nn module (`Linear`, `MultiheadAttention`, …). */
  | { readonly t: 'torchmod'; readonly kind: string; readonly args: Readonly<Record<string, Value>>; readonly cast?: Dtype;
      readonly origin: string }
  /** A name imported from outside the workspace; `optional` is the library when the import may fail. */
  | { readonly t: 'ref'; readonly name: string; readonly optional?: string }
  /** `getter`: a `@property` read as an attribute, which runs it. */
  | { readonly t: 'fn'; readonly id: string; readonly self?: Value; readonly getter?: true }
  | { readonly t: 'class'; readonly id: string }
  | { readonly t: 'libmask'; readonly className: string; readonly source: string }
  | ContextValue
  /**
   * A training framework's object, by how it was made (`Accelerator(…)` from accelerate, `Fabric(…)`
   * from lightning): `api` names its class; `precision` is what its mixed precision enters (autocast,
   * or nothing), `cast` the dtype a true-precision setting casts the model to (Fabric's `"bf16-true"`).
   */
  | { readonly t: 'framework'; readonly api: string; readonly precision: ContextValue; readonly cast?: Dtype }
  /**
   * A model a framework hands back (`accelerator.prepare(model)`, `fabric.setup(model)`, DeepSpeed's
   * engine): calling it calls `module` inside `region` (the framework's autocast around the forward),
   * its floating-point tensor arguments cast to `inputs` where the framework casts them.
   */
  | { readonly t: 'prepared'; readonly module: Value; readonly region: ContextValue; readonly inputs?: Dtype; readonly by: string }
  /** `functools.partial(fn, …)`: `fn` with arguments bound in advance. */
  /** `sliced`: `torch.vmap(fn)`, which runs `fn` on slices of its tensor arguments, whose extents it no longer knows. */
  | { readonly t: 'partial'; readonly fn: Value; readonly args: CallArgs; readonly sliced?: true }
  /**
   * `lambda q, k, v: …` or a nested `def` (closures.ts): `id` names it where it is written; `captured` holds the
   * enclosing function's variables its body names, as they were when it was made, and `defaults`
   * its parameters' defaults, evaluated then too.
   */
  | { readonly t: 'closure'; readonly id: string; readonly node: SyntaxNode; readonly captured: readonly (readonly [string, Value])[];
      readonly defaults: readonly (readonly [string, Value])[] }
  /** One of several callables (or the instances of workspace classes a case picks), which one the code does not establish (`why`): calling it calls each. */
  /** `when`, where known: the condition that picks each option, so a path that settled it calls that option only. */
  | { readonly t: 'choice'; readonly options: readonly Value[]; readonly why: string; readonly when?: readonly Formula[] }
  /**
   * `orNone`: None on some paths, this value on the others (`self.rel_pos if rel_pos else None`,
   * `nn.Linear(…)` or None): where the code calls it or reads an attribute, it is this value, as None would raise there.
   * `dtypeOf`: `x.dtype` of a tensor whose dtype is not known: that fact, which `.to(x.dtype)` gives
   * (one autocast casts stays one: a q-norm's output cast back to its own dtype).
   * `libraryObject`: an object a library class made (`torchaudio.transforms.MelSpectrogram`), which calling
   * never runs a workspace module.
   * `tensorAside`: a tensor on some paths and, on the others, a value without tensor methods (a tuple, a
   * number, a string): where the code calls a tensor method on it, it is this tensor, as the other would
   * raise there (diffusers' fused projections leave `(None,)` where no added projection runs).
   */
  | { readonly t: 'unknown'; readonly why: string; readonly domain?: Domain; readonly orNone?: Value; readonly dtypeOf?: UnknownFact;
      readonly libraryObject?: string; readonly tensorAside?: TensorValue };

export const UNKNOWN = (why: string): Value => ({ t: 'unknown', why });

export type TensorValue = Extract<Value, { t: 'tensor' }>;
/**
 * A context manager object (`torch.autocast(…)`, `sdpa_kernel(…)`, `nullcontext()`, a workspace
 * `@contextmanager` generator's or class's), stored or not: what entering it changes. A field left out
 * changes nothing; `sdpa` without `priority` keeps the order already in force. `yields`: what a
 * generator yields or a class's `__enter__` returns (what `with … as x` binds); absent for library
 * context managers.
 */
export interface ContextValue {
  readonly t: 'context';
  readonly autocast?: Fact<Dtype | null>;
  readonly sdpa?: SdpaSwitches;
  readonly mode?: Fact<Mode> & { readonly known: true };
  readonly yields?: Value;
  /** Calls inside run compiled: where `torch.compile` wraps them. */
  readonly compiled?: string;
  /**
   * A join of context managers a condition picks between (`nullcontext() if device_type == 'cpu' else
   * torch.autocast(…)`): each with the condition that picks it, so a `with` can run each case.
   */
  readonly cases?: readonly { readonly when: Formula; readonly context: ContextValue }[];
  /** diffusers' `attention_backend(…)`: the backend its body runs. */
  readonly diffusersBackend?: Fact<string>;
}

export function isTensor(v: Value): v is TensorValue {
  return v.t === 'tensor';
}

/** The dtype of a mask the files do not show (an optional input nobody passes): bool, or a float one. */
export interface OpenMaskDtype extends UnknownFact {
  readonly maskKindOpen: true;
}

export function openMaskDtype(dependsOn: string): OpenMaskDtype {
  return { known: false, dependsOn, maskKindOpen: true };
}

/** A tensor whose dtype is an open mask's (views keep it; arithmetic makes a float of it): as a mask, a bool or a float one. */
export function mayBeBoolMask(t: TensorValue): boolean {
  return !t.bool && !t.dtype.known && 'maskKindOpen' in t.dtype;
}

export function tensor(dtype: Fact<Dtype>, origin: string, extra: { bool?: boolean; shape?: readonly Dim[]; lastDim?: Dim; param?: boolean; triangular?: true } = {}): TensorValue {
  return { t: 'tensor', dtype, origin, ...extra };
}

/** The extents a tensor of the same shape has: its shape, or where that is unknown its last dim (the head size a cast keeps). */
export function sameExtents(t: TensorValue): { shape?: readonly Dim[]; lastDim?: Dim } {
  return t.shape ? { shape: t.shape } : t.lastDim ? { lastDim: t.lastDim } : {};
}

/**
 * The dtype of an integer tensor (`torch.arange(n)` and `torch.tensor([1, 2])` are int64, or a
 * `dtype=torch.int32`): not one of the floating dtypes `Dtype` names, so unknown as a `Dtype`, but
 * known not to be a floating-point one, which type promotion needs (op-dtypes.ts: a float tensor wins
 * over an integer one). `integer` names it (`int64`, or `integer` where two widths met).
 */
export interface IntegerDtype extends UnknownFact { readonly integer: string }

export function integerDtype(name: string, where: string): IntegerDtype {
  return { known: false, dependsOn: `the dtype of an integer tensor (${name}, ${where})`, integer: name };
}

/**
 * A causal flag the code computes from whether the mask is None (`is_causal=mask is None`, or
 * `q_len > 1 and attention_mask is None`): its formula and the atom of the mask's None-ness, so a
 * case that settles the mask's kind settles the flag with it (mask-cases.ts).
 */
export interface MaskTiedFlag extends UnknownFact {
  readonly maskTied: { readonly formula: Formula; readonly noneAtom: string };
}

export function isMaskTied(f: Fact<unknown>): f is MaskTiedFlag {
  return !f.known && 'maskTied' in f;
}

/** The atom `x is None` gives for an unknown x that is None or a value (conditions.ts). */
export function noneAtomId(v: Value & { t: 'unknown' }): string {
  return `none:${v.why}`;
}

export function isIntegerDtype(f: Fact<unknown>): f is IntegerDtype {
  return !f.known && 'integer' in f;
}

/** `torch.int64`, `torch.long`, … as the name of an integer dtype (they are refs: `Dtype` has floats only). */
export function integerDtypeName(v: Value | undefined): string | undefined {
  return v?.t === 'ref' && v.name.startsWith('torch.') ? INTEGER_DTYPES[v.name.slice('torch.'.length)] : undefined;
}

const INTEGER_DTYPES: Readonly<Record<string, string>> = {
  int8: 'int8', uint8: 'uint8', int16: 'int16', short: 'int16', int32: 'int32', int: 'int32', int64: 'int64', long: 'int64',
};

/** Join two facts from different paths: equal values stay, anything else is unknown. */
export function joinFact<T>(a: Fact<T>, b: Fact<T>): Fact<T> {
  // An integer tensor on one path only: the other may be a float one, so neither holds.
  if (isIntegerDtype(a) !== isIntegerDtype(b)) {
    const text = (f: Fact<T>): string => (f.known ? `${String(f.value)} from ${f.source}` : f.dependsOn);
    return unknown(`the path (${text(a)}; ${text(b)})`);
  }
  if (a.known && b.known) {
    return a.value === b.value ? a : unknown(`the path (${String(a.value)} from ${a.source}, ${String(b.value)} from ${b.source})`);
  }
  // A dtype autocast casts on one path only holds where the other is one too.
  const open = (a.known ? b : a) as UnknownFact;
  const other = a.known ? a : b;
  return isAutocastCastable(open) && !castableToo(other) ? unknown(open.dependsOn) : open;
}

function castableToo(f: Fact<unknown>): boolean {
  return f.known ? f.value === 'float16' || f.value === 'bfloat16' || f.value === 'float32' : isAutocastCastable(f);
}

const ALL_ON = known(true, 'PyTorch\'s default: every SDPA backend is enabled');

/** Switches from different paths: each backend's flag joins; a path with none has PyTorch's defaults. */
export function joinSwitches(a: SdpaSwitches | undefined, b: SdpaSwitches | undefined): SdpaSwitches | undefined {
  if (!a && !b) return undefined;
  const enabled = Object.fromEntries(SDPA_BACKENDS.map((k) => [k, joinFact(a?.enabled[k] ?? ALL_ON, b?.enabled[k] ?? ALL_ON)]));
  const priority = joinPriority(a?.priority, b?.priority);
  return priority ? { enabled, priority } : { enabled };
}

function joinPriority(a: SdpaSwitches['priority'], b: SdpaSwitches['priority']): SdpaSwitches['priority'] {
  if (!a && !b) return undefined;
  if (a?.known && b?.known && a.value.join() === b.value.join()) return a;
  if (a && !a.known) return a;
  if (b && !b.known) return b;
  return unknown(`the path (the SDPA backend order differs: ${[a, b].map((p) => (p?.known ? p.source : 'PyTorch\'s order')).join(', ')})`);
}

const SKIPPED: ReadonlySet<string> = new Set(['node', 'qNode', 'kNode', 'trainingNode', 'unit', 'symbol']);
/** Fields that say where a fact came from or why it is unknown: words for messages, not facts. */
const PROVENANCE: ReadonlySet<string> = new Set([...SKIPPED, 'source', 'origin', 'why', 'dependsOn', 'text', 'exact']);
/** Where an object's keys are kept: non-enumerable fields, so spreads and `Object.keys` never see them. */
const KEY = Symbol('valueKey');
const FACT_KEY = Symbol('factKey');

/**
 * A stable text key for a value (syntax nodes left out), for comparing values and their messages.
 * Values are immutable, so each object's key is computed once and kept.
 */
export function valueKey(v: unknown): string {
  return keyOf(v, SKIPPED, KEY);
}

/**
 * A key for what a value establishes, without where it came from (sources, origins, the reasons of
 * unknowns): memo keys, so that a function called with the same facts from two places is analysed
 * once. The result then carries the first caller's words, as a call site joining equal facts from
 * several paths cites the first.
 */
export function factKey(v: unknown): string {
  return keyOf(v, PROVENANCE, FACT_KEY);
}

function keyOf(v: unknown, skip: ReadonlySet<string>, cache: symbol): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'undefined';
  // A partial's keywords (`partial(F.scaled_dot_product_attention, dropout_p=p)`) are a map: its
  // entries are the key (a map may change, so its key is not kept).
  if (v instanceof Map) return `Map{${[...v].map(([k, x]) => `${keyOf(k, skip, cache)}:${keyOf(x, skip, cache)}`).join(',')}}`;
  const cached = (v as Record<symbol, string | undefined>)[cache];
  if (cached !== undefined) return cached;
  const key = interned(Array.isArray(v) ? `[${v.map((x) => keyOf(x, skip, cache)).join(',')}]` : objectKey(v, skip, cache));
  if (Object.isExtensible(v)) Object.defineProperty(v, cache, { value: key });
  return key;
}

/** Keys longer than this are stood for by a number: nested values would otherwise repeat their parts' whole keys at every level. */
const INTERN_ABOVE = 48;
/** Every long key given a number, for the life of the process: equal keys get equal numbers in every run, so memo keys keep across runs. */
const INTERNED = new Map<string, string>();

/**
 * A key of bounded length for `key`: a long one becomes `#n`, the same `n` for the same key. A value's
 * key then holds its parts' numbers, not their keys, so building and comparing keys costs the size of
 * the value once, not its size times its depth (a model's instance key holds its blocks', which hold
 * their layers'…).
 */
function interned(key: string): string {
  if (key.length <= INTERN_ABOVE) return key;
  let id = INTERNED.get(key);
  if (id === undefined) INTERNED.set(key, id = `#${INTERNED.size}`);
  return id;
}

/**
 * `{k:key,…}` over an object's own fields in order; a plain loop, as this runs for every memo key. An
 * instance's `key` is a key already, written as it is: quoted, the escapes of an instance built from
 * another (a block given its parent, `Tree(n - 1, root=self)`) would double at every level.
 */
function objectKey(v: object, skip: ReadonlySet<string>, cache: symbol): string {
  let key = '{';
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined || skip.has(k)) continue;
    key += `${key.length > 1 ? ',' : ''}${k}:${k === 'key' && typeof x === 'string' ? `<${x}>` : keyOf(x, skip, cache)}`;
  }
  return `${key}}`;
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || valueKey(a) === valueKey(b);
}

/**
 * Unknown values as bound to a variable (an assignment, a parameter): each binding gets its own copy,
 * marked with the frame that bound it. A dim built from one (`view(B, T, …)`) is that variable's one
 * value in that frame, so two tensors viewed with the same `T` there have the same length, though
 * nobody knows it; a frame that did not bind it (a caller of a memoised callee, whose result serves
 * other inputs too) must not conclude anything from it.
 */
const BOUND: unique symbol = Symbol('bound by');
/** Set on a frame once it made a binding from another (a SAME link): only then has returnedFrom work to do. */
const LINKS: unique symbol = Symbol('links');
type Linked = { [LINKS]?: true };
/** The binding a binding was made from (`slen` of `…, slen, _ = x.shape` is x's length; a parameter is its argument's variable). */
const SAME: unique symbol = Symbol('same as');
type Bound = Value & { [BOUND]?: object; [SAME]?: Value };

/**
 * A property, not a WeakMap (there is one per binding, and weak tables cost the collector); symbol-keyed,
 * so memo keys (valueKey) never read it. A copy of the value (`{ ...v }`) keeps the frame but is
 * another object, hence another symbol: it never makes two bindings equal. A value that is already a
 * binding's (a dim's variable read back from `.shape`, a variable passed on) makes a binding of this
 * frame all the same (its own frame may conclude from it), one that remembers it has that value.
 */
export function bindUnknown(v: Value, frame: object): Value {
  if (v.t !== 'unknown') return v;
  const own: Bound = { ...v };
  own[BOUND] = frame;
  own[SAME] = boundBy(v) ? v : undefined;
  if (own[SAME]) (frame as Linked)[LINKS] = true;
  return own;
}

/**
 * A dim's extent read back (`x.shape`, `x.size(1)`) in `frame`: unknown with the dim's text whatever
 * variable gave it (results must not depend on bindings, which memo keys leave out), a binding of that
 * frame made from the dim's variable where it has one. Also any value read as a binding's under
 * another text.
 */
export function readBack(symbol: Value | undefined, why: string, frame: object, domain?: Domain): Value {
  const v: Bound = domain ? { t: 'unknown', why, domain } : { t: 'unknown', why };
  if (symbol) { v[BOUND] = frame; v[SAME] = symbol; (frame as Linked)[LINKS] = true; }
  return v;
}

/** The frame that bound this unknown value (bindUnknown), if any. */
export function boundBy(v: Value | undefined): object | undefined {
  return (v as Bound | undefined)?.[BOUND];
}

/**
 * Whether two bindings are one variable's value in `frame`: the same binding of that frame, or
 * bindings made from one (a name unpacked from a dim, a variable copied). Only the links `frame`
 * itself made are followed: one made elsewhere may have come with a value kept for another call (a
 * reused construction's attributes hold the bindings its first caller passed), not this one's.
 */
export function sameVariableIn(frame: InheritingFrame, a: Value, b: Value): boolean {
  for (let x: Bound | undefined = a; boundBy(x) === frame; x = x![SAME]) {
    for (let y: Bound | undefined = b; boundBy(y) === frame; y = y![SAME]) if (x === y) return true;
  }
  const outer = inheritedVariable(frame, a);
  return outer !== undefined && outer === inheritedVariable(frame, b);
}

/** A frame, with the variables of callers still running that its arguments' dims share (argumentDimVariables). */
export interface InheritingFrame {
  readonly inherited?: ReadonlyMap<Value, Value>;
}

/** The callers' variable a binding is, as the frame inherited it: following the links the frame made, the first binding it did not make. */
function inheritedVariable(frame: InheritingFrame, v: Value): Value | undefined {
  if (!frame.inherited) return undefined;
  for (let x: Bound | undefined = v; x; x = x[SAME]) if (boundBy(x) !== frame) return frame.inherited.get(x);
  return undefined;
}

/** The variable a binding is in `frame`: the last binding of the frame its links reach, or a callers' variable the frame inherited. */
function variableIn(frame: InheritingFrame, v: Value): Value | undefined {
  let last: Value | undefined;
  for (let x: Bound | undefined = v; x; x = x[SAME]) {
    if (boundBy(x) === frame) { last = x; continue; }
    return frame.inherited?.get(x) ?? last;
  }
  return last;
}

/**
 * What a call's tensor arguments share, in the caller's frame: the dims that are one variable there
 * (`q.view(B, T, …)` and `k.view(B, T, …)` passed to a helper). The callee may conclude that those
 * dims are equal (`inherited`: each binding to its variable), and its memo key carries which dims share
 * one (`key`), so a run is reused only for calls whose arguments share alike. Empty where none share.
 */
export function argumentDimVariables(args: readonly Value[], caller: InheritingFrame): { readonly key: string; readonly inherited?: ReadonlyMap<Value, Value> } {
  const seen: (readonly [Value, Value] | null)[] = [];
  for (const a of args) {
    if (!isTensor(a)) continue;
    for (const d of a.shape ?? (a.lastDim ? [a.lastDim] : [])) {
      const variable = d.symbol && variableIn(caller, d.symbol);
      seen.push(variable ? [d.symbol!, variable] : null);
    }
  }
  const count = new Map<Value, number>();
  for (const s of seen) if (s) count.set(s[1], (count.get(s[1]) ?? 0) + 1);
  if (![...count.values()].some((n) => n > 1)) return { key: '' };
  const index = new Map<Value, number>();
  const inherited = new Map<Value, Value>();
  const key = seen.map((s) => {
    if (!s || count.get(s[1])! < 2) return '-';
    inherited.set(s[0], s[1]);
    if (!index.has(s[1])) index.set(s[1], index.size);
    return String(index.get(s[1]));
  }).join(',');
  return { key: `|shares ${key}`, inherited };
}

/**
 * A value a function returns, as its caller sees it: each binding the function's frame made from
 * another binding (a dim unpacked from an argument's `.shape`, a parameter) is replaced by that one
 * (the caller's `T`, which its own frame may conclude from); the frame's other bindings stay, and
 * prove nothing to the caller. A memoised result thus carries its arguments' bindings, which a reuse
 * renames (renameBindings).
 */
export function returnedFrom(v: Value, frame: object): Value {
  if (!(frame as Linked)[LINKS]) return v;
  return mapBindings(v, (b) => {
    let out = b;
    while (boundBy(out) === frame && (out as Bound)[SAME]) out = (out as Bound)[SAME]!;
    return out;
  });
}

/** Fields that hold syntax, not values: never walked for bindings (valueKey leaves them out too). */
const SYNTAX = new Set(['node', 'qNode', 'kNode', 'trainingNode', 'unit']);

function isBinding(v: unknown): v is Bound {
  return typeof v === 'object' && v !== null && (v as Bound)[BOUND] !== undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/**
 * The bindings two values of equal content carry at the same places, pair by pair, wherever a value
 * holds them (dims' symbols, bound unknowns, inside tuples, dicts, a partial's arguments, a closure's
 * captures, a tensor's transposed input…): a binding left out would keep another call's binding in a
 * reused result. One value twice pairs each binding with itself (a renaming must see that it stays).
 */
function forEachBindingPair(a: unknown, b: unknown, visit: (x: Value | undefined, y: Value | undefined) => void): void {
  if (isBinding(a) || isBinding(b)) { visit(isBinding(a) ? a : undefined, isBinding(b) ? b : undefined); return; }
  if (!isObject(a)) return;
  if (Array.isArray(a)) { a.forEach((x, i) => forEachBindingPair(x, Array.isArray(b) ? b[i] : undefined, visit)); return; }
  if (a instanceof Map) {
    const others = b instanceof Map ? [...b.values()] : [];
    [...a.values()].forEach((x, i) => forEachBindingPair(x, others[i], visit));
    return;
  }
  for (const k of Object.keys(a)) if (!SYNTAX.has(k)) forEachBindingPair(a[k], isObject(b) ? b[k] : undefined, visit);
}

/** `v` with each binding it carries (anywhere: forEachBindingPair) replaced by `to(binding)` (undefined: no binding); `v` itself when none changes. */
function mapBindings<T>(v: T, to: (binding: Value) => Value | undefined): T {
  if (isBinding(v)) {
    const b = to(v);
    // The value keeps its text (results must read the same whatever the bindings), with b's binding.
    const { why, domain } = v as Value & { t: 'unknown' };
    return (b === v ? v : !b ? { t: 'unknown', why, ...(domain ? { domain } : {}) } : b.t === 'unknown' && b.why === why ? b : readBack(b, why, boundBy(b)!, domain)) as T;
  }
  if (!isObject(v)) return v;
  if (Array.isArray(v)) {
    let copy: unknown[] | null = null;
    v.forEach((x, i) => { const y = mapBindings(x, to); if (y !== x) (copy ??= [...v])[i] = y; });
    return (copy ?? v) as T;
  }
  if (v instanceof Map) {
    const entries = [...v].map(([k, x]) => [k, mapBindings(x, to)] as const);
    return (entries.every(([k, y]) => y === v.get(k)) ? v : new Map(entries)) as T;
  }
  let copy: Record<string, unknown> | null = null;
  for (const k of Object.keys(v)) {
    if (SYNTAX.has(k)) continue;
    // A dim's binding is only compared, never read: it needs no text of its own.
    const x = v[k]; const y = k === 'symbol' && isBinding(x) ? to(x) : mapBindings(x, to);
    if (y === x) continue;
    copy ??= { ...v };
    // A dim whose binding is dropped has no `symbol` field, like one that never had one.
    if (y === undefined) delete copy[k]; else copy[k] = y;
  }
  return (copy ?? v) as T;
}

function withSymbol(d: Dim, symbol: Value | undefined): Dim {
  if (symbol === d.symbol) return d;
  return symbol ? { ...d, symbol } : { value: d.value, role: d.role, source: d.source };
}

/**
 * Bindings paired place by place (forEachBindingPair) → what each binding of the first value becomes:
 * `pair(x, y)`, or undefined (dropped) where one binding meets two different outcomes at two places.
 */
function pairedBindings(a: Value, b: Value, pair: (x: Value, y: Value | undefined) => Value | undefined): Map<Value, Value | undefined> {
  const out = new Map<Value, Value | undefined>();
  forEachBindingPair(a, b, (x, y) => {
    if (!x) return;
    const to = pair(x, y);
    out.set(x, out.has(x) && out.get(x) !== to ? undefined : to);
  });
  return out;
}

/**
 * A result reused for another call of equal key: the bindings its arguments carried (`before`) become
 * the ones the new arguments carry (`after`), so a caller reads the same result whichever call ran
 * first. Bindings made inside the callee stay (they are no caller's: boundBy). A binding the first
 * call's arguments carried at two places where the new ones carry two is dropped: which one the
 * result's came from is not known.
 */
export function renameBindings(result: Value, before: readonly Value[], after: readonly Value[]): Value {
  const renaming = new Map<Value, Value | undefined>();
  before.forEach((v, i) => {
    const now = after[i];
    if (!now) return;
    for (const [x, y] of pairedBindings(v, now, (_, y) => y)) renaming.set(x, renaming.has(x) && renaming.get(x) !== y ? undefined : y);
  });
  for (const [x, y] of renaming) if (x === y) renaming.delete(x);
  return renaming.size === 0 ? result : mapBindings(result, (b) => (renaming.has(b) ? renaming.get(b) : b));
}

/**
 * One value for two that reach a point by different paths, or undefined when they differ: equal
 * content is one value, each binding kept where both paths carry it there, else dropped.
 */
export function sameValue(a: Value, b: Value): Value | undefined {
  if (a === b) return a;
  if (valueKey(a) !== valueKey(b)) return undefined;
  const kept = pairedBindings(a, b, (x, y) => (x === y ? x : undefined));
  for (const [x, k] of kept) if (x === k) kept.delete(x);
  return kept.size === 0 ? a : mapBindings(a, (x) => (kept.has(x) ? kept.get(x) : x));
}

/**
 * One dim for two reaching a point by different paths: an extent both give (a number, or one
 * binding: a function's returns carry their callers' bindings, returnedFrom) stays; anything else is unknown.
 */
function joinDim(a: Dim, b: Dim): Dim {
  const symbol = a.symbol === b.symbol ? a.symbol : undefined;
  if (sameJson(a, b)) return withSymbol(a, symbol);
  // What the dim reads (its text) must not depend on the bindings: a reused result is renamed, not rerun.
  if (a.value !== null && a.value === b.value) return { value: a.value, role: a.role === b.role || !b.role ? a.role : !a.role ? b.role : null, source: a.source };
  return { value: null, role: a.role === b.role ? a.role : null, source: 'differs by path', ...(symbol ? { symbol } : {}) };
}

/** Join two values reaching one point by different paths. */
export function join(a: Value, b: Value): Value {
  const same = sameValue(a, b);
  if (same) return same;
  if (a.t === 'tensor' && b.t === 'tensor') return joinTensors(a, b, joinFact(a.dtype, b.dtype));
  if (a.t === 'bool' && b.t === 'bool') return UNKNOWN(`the path (${a.why}; ${b.why})`);
  if (a.t === 'num' && b.t === 'num') return UNKNOWN(`the path (${a.value} from ${a.source}, ${b.value} from ${b.source})`);
  if (a.t === 'many' && b.t === 'many') return { t: 'many', item: join(a.item, b.item) };
  if (a.t === 'tuple' && b.t === 'tuple' && a.items.length === b.items.length) {
    return { t: 'tuple', items: a.items.map((x, i) => join(x, b.items[i])) };
  }
  // A sequence whose length differs by path (`x.chunk(self.factor, dim=1)` of a shape one branch knows): items like all of them.
  const itemsOf = (v: Value): readonly Value[] | undefined => (v.t === 'many' ? [v.item] : v.t === 'tuple' && v.items.length > 0 ? v.items : undefined);
  const [itemsA, itemsB] = [itemsOf(a), itemsOf(b)];
  if (itemsA && itemsB) return { t: 'many', item: [...itemsA, ...itemsB].reduce(join) };
  if (a.t === 'context' && b.t === 'context') return joinContexts(a, b, `the path (${contextText(a)} or ${contextText(b)})`);
  // Keyword tables built per path (`{"add_pooling_layer": …}` or `{}`): a key set on some paths only is open, one set on none stays unset.
  if (a.t === 'dict' && b.t === 'dict') {
    const keys = [...new Set([...a.entries.map(([k]) => k), ...b.entries.map(([k]) => k)])];
    const at = (d: typeof a, k: string): Value | undefined => d.entries.find(([x]) => x === k)?.[1];
    return { t: 'dict', entries: keys.map((k) => {
      const [x, y] = [at(a, k), at(b, k)];
      return [k, x && y ? join(x, y) : UNKNOWN(`the entry ${JSON.stringify(k)}, set on some paths only`)] as const;
    }) };
  }
  // The same torch.nn module built with other arguments on each path: one module, its arguments joined
  // (two Sequentials of other lengths stay two, a choice below: joined, their layers would be one of any).
  if (a.t === 'torchmod' && b.t === 'torchmod' && a.kind === b.kind && a.cast === b.cast && !differentLayers(a, b)) {
    const keys = [...new Set([...Object.keys(a.args), ...Object.keys(b.args)])];
    const args = Object.fromEntries(keys.map((k) => [k, a.args[k] && b.args[k] ? join(a.args[k], b.args[k]) : UNKNOWN(`the argument ${k} of ${a.origin}`)]));
    return { ...a, args };
  }
  const maybe = noneOr(a, b, `the path (${describe(a)} or ${describe(b)})`);
  if (maybe) return maybe;
  const aside = tensorBesideNonTensor(a, b, `the path (${describe(a)} or ${describe(b)})`);
  if (aside) return aside;
  const either = choiceOf([a, b], `the path (${describe(a)} or ${describe(b)})`);
  if (either) return either;
  if (a.t === 'unknown') return a;
  if (b.t === 'unknown') return b;
  return UNKNOWN(`the path (${describe(a)} or ${describe(b)})`);
}

/**
 * One tensor for two that reach a point (by different paths, or as `a if cond else b` where the path
 * does not settle `cond`), in `dtype`: the extents both give, and hand-written attention on either.
 */
export function joinTensors(a: TensorValue, b: TensorValue, dtype: Fact<Dtype>): TensorValue {
  const shape = a.shape && b.shape && a.shape.length === b.shape.length
    ? a.shape.map((d, i) => joinDim(d, b.shape![i]))
    : undefined;
  const joined = tensor(dtype, a.origin, { bool: a.bool === b.bool ? a.bool : undefined, shape, param: a.param && b.param });
  const manual = joinManual(a.manual, b.manual);
  return manual ? { ...joined, manual } : joined;
}

/** None on one path and a value on the other (either of them already such a join): the value kept beside the unknown. */
export function noneOr(a: Value, b: Value, why: string): Value | undefined {
  const valueOf = (v: Value): Value | null | undefined => (v.t === 'none' ? null : v.t === 'unknown' ? v.orNone : v);
  const [va, vb] = [valueOf(a), valueOf(b)];
  if (va === undefined || vb === undefined || (va === null && vb === null) || (va !== null && vb !== null && a.t !== 'unknown' && b.t !== 'unknown')) return undefined;
  const orNone = va && vb ? join(va, vb) : va ?? vb;
  return orNone && orNone.t !== 'unknown' ? { t: 'unknown', why, orNone } : { t: 'unknown', why };
}

/** Two `nn.Sequential`s whose lists of layers differ in length. */
function differentLayers(a: Value & { t: 'torchmod' }, b: Value & { t: 'torchmod' }): boolean {
  const [x, y] = [a.args.modules, b.args.modules];
  return a.kind === 'Sequential' && x?.t === 'tuple' && y?.t === 'tuple' && x.items.length !== y.items.length;
}

/** Values that have no tensor methods: one of them beside a tensor leaves the tensor to a method call. */
const NOT_TENSORS: ReadonlySet<Value['t']> = new Set(['tuple', 'num', 'str', 'bool', 'dict']);

/** A tensor on one path, a value without tensor methods on the other (either side already such a join). */
function tensorBesideNonTensor(a: Value, b: Value, why: string): Value | undefined {
  const tensorOf = (v: Value): TensorValue | null | undefined => (v.t === 'tensor' ? v : NOT_TENSORS.has(v.t) ? null : v.t === 'unknown' ? v.tensorAside : undefined);
  const [ta, tb] = [tensorOf(a), tensorOf(b)];
  if (ta === undefined || tb === undefined || (ta === null && tb === null) || (a.t === 'tensor' && b.t === 'tensor')) return undefined;
  const joined = ta && tb ? join(ta, tb) : ta ?? tb;
  return joined && joined.t === 'tensor' ? { t: 'unknown', why, tensorAside: joined } : { t: 'unknown', why };
}

/** The receiver of a tensor method: a tensor beside a value without tensor methods is the tensor. */
export function tensorMethodReceiver(v: Value): Value {
  return v.t === 'unknown' && v.tensorAside ? v.tensorAside : v;
}

/** A value the code calls or reads an attribute of: where it is None or something, that something (None would raise). */
export function usedAsValue(v: Value): Value {
  return v.t === 'unknown' && v.orNone ? v.orNone : v;
}

/**
 * Hand-written attention on either path stays one (a helper that returns the scores as they are
 * when no mask is given, masked otherwise), but where the paths differ no single SDPA call is
 * equivalent on both: opaque to the quick fix.
 */
function joinManual(a: ManualStage | undefined, b: ManualStage | undefined): ManualStage | undefined {
  const m = a ?? b;
  if (!m || a === b) return m;
  // A mask on either path is one the call must take.
  const mask = a?.mask ?? b?.mask;
  return { ...m, ...(mask ? { mask } : {}), opaque: true };
}

/** Values that are called like functions: closures, partials, workspace functions, library functions, and choices of them. */
function isCallable(v: Value): boolean {
  return v.t === 'closure' || v.t === 'partial' || v.t === 'fn' || v.t === 'ref' || v.t === 'choice' || v.t === 'torchmod';
}

/** Options of a choice at most: more is not a choice the code makes between backends. */
const MAX_OPTIONS = 8;

/**
 * One of several callables (`lambda …: flash_attn_func(…) if use_flash else partial(F.scaled_dot_product_attention, …)`,
 * `flash_attn_func if use_flash else F.scaled_dot_product_attention`, a dict of backends looked up by
 * a key the code does not establish): undefined unless every value is callable. Two library attention
 * functions among them are each observed at the call that calls the choice, one call site per API.
 */
export function choiceOf(values: readonly Value[], why: string, when?: readonly Formula[]): Value | undefined {
  if (values.length === 0 || !values.every(isCallable)) return undefined;
  const options: Value[] = [];
  for (const v of values.flatMap((x) => (x.t === 'choice' ? x.options : [x]))) {
    if (!options.some((o) => sameValue(o, v))) options.push(v);
  }
  if (options.length > MAX_OPTIONS) return undefined;
  // The conditions stay with their options only where each value is one option of its own.
  const guarded = when && when.length === values.length && options.length === values.length && options.every((o, i) => o === values[i]);
  return options.length === 1 ? options[0] : { t: 'choice', options, why, ...(guarded ? { when } : {}) };
}

/**
 * One of two context managers, whichever a path or condition picks: what both change alike stays,
 * anything else depends on `why` (a mode cannot be unknown, so a mode they disagree on is left as it is).
 */
export function joinContexts(a: ContextValue, b: ContextValue, why: string): ContextValue {
  const autocast = !a.autocast && !b.autocast ? undefined : alike(a.autocast, b.autocast) ? a.autocast : unknown(why);
  const sdpa = !a.sdpa && !b.sdpa ? undefined : sameJson(a.sdpa, b.sdpa) ? a.sdpa
    : { enabled: Object.fromEntries(SDPA_BACKENDS.map((k) => [k, unknown(why)])), ...(a.sdpa?.priority || b.sdpa?.priority ? { priority: unknown(why) } : {}) };
  const mode = alike(a.mode, b.mode) ? a.mode : undefined;
  const yields = a.yields && b.yields ? join(a.yields, b.yields) : undefined;
  const compiled = a.compiled === b.compiled ? a.compiled : undefined;
  const diffusersBackend = !a.diffusersBackend && !b.diffusersBackend ? undefined : alike(a.diffusersBackend, b.diffusersBackend) ? a.diffusersBackend : unknown(why);
  return { t: 'context', ...(diffusersBackend ? { diffusersBackend } : {}), ...(autocast ? { autocast } : {}), ...(sdpa ? { sdpa } : {}), ...(mode ? { mode } : {}), ...(yields ? { yields } : {}), ...(compiled ? { compiled } : {}) };
}

/** Whether two context managers set a fact alike: both leave it, or both set the same value (from wherever; the first source is kept). */
function alike<T>(a: Fact<T> | undefined, b: Fact<T> | undefined): boolean {
  return a === undefined || b === undefined ? a === b : sameJson(a, b) || (a.known && b.known && a.value === b.value);
}

/** What a context manager sets, for messages: "autocast bfloat16 (autocast region at train.py:9)", "no change". */
function contextText(v: ContextValue): string {
  const parts = [
    v.autocast ? (v.autocast.known ? `autocast ${v.autocast.value ?? 'off'} (${v.autocast.source})` : 'autocast unknown') : '',
    v.sdpa ? 'SDPA backend switches' : '',
    v.mode ? `the ${modeName(v.mode.value)} path` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'no change';
}

/** Whether two values are equal, where both are constants of one kind (a dtype, a number, a string, a bool). */
export function equal(a: Value, b: Value): boolean | undefined {
  if (a.t === 'dtype' && b.t === 'dtype') return a.value === b.value;
  if (a.t === 'num' && b.t === 'num') return a.value === b.value;
  if (a.t === 'str' && b.t === 'str') return a.value === b.value;
  if (a.t === 'bool' && b.t === 'bool') return a.value === b.value;
  return undefined;
}

/** Short description of a value for messages. */
export function describe(v: Value): string {
  switch (v.t) {
    case 'tensor': return v.bool ? 'a bool tensor' : v.dtype.known ? `a ${v.dtype.value} tensor` : 'a tensor';
    case 'none': return 'None';
    case 'slice': return v.text;
    case 'bool': return String(v.value);
    case 'num': return String(v.value);
    case 'str': return JSON.stringify(v.value);
    case 'dtype': return `torch.${v.value}`;
    case 'libmask': return `an xformers ${v.className}`;
    case 'instance': return `a ${v.cls.split(':').pop()}`;
    case 'torchmod': return `an nn.${v.kind}`;
    case 'context': return `a context manager (${contextText(v)})`;
    case 'framework': return `a ${v.api.split('.').pop()}`;
    case 'prepared': return `the model ${v.by}`;
    case 'closure': return v.node.type === 'lambda' ? 'a lambda' : 'a nested function';
    case 'choice': return `one of ${v.options.map(describe).join(', ')}`;
    case 'dict': return v.entries.length === 0 ? 'an empty dict' : `a dict of ${v.entries.map(([k]) => JSON.stringify(k)).join(', ')}`;
    default: return 'a value';
  }
}

/** Evaluate a formula under the atoms assumed on a path: true, false or undefined (still open). */
export function evalFormula(f: Formula, assume: ReadonlyMap<string, boolean>): boolean | undefined {
  switch (f.op) {
    case 'atom': return assume.get(f.id);
    case 'not': { const a = evalFormula(f.a, assume); return a === undefined ? undefined : !a; }
    case 'and': {
      const a = evalFormula(f.a, assume); const b = evalFormula(f.b, assume);
      if (a === false || b === false) return false;
      return a === true && b === true ? true : undefined;
    }
    case 'or': {
      const a = evalFormula(f.a, assume); const b = evalFormula(f.b, assume);
      if (a === true || b === true) return true;
      return a === false && b === false ? false : undefined;
    }
  }
}

/** A formula as text, for "depends on whether …": `self.is_causal and q_len > 1`. */
export function formulaText(f: Formula): string {
  const operand = (g: Formula): string => (g.op === 'and' || g.op === 'or' ? `(${formulaText(g)})` : formulaText(g));
  switch (f.op) {
    case 'atom': return f.text;
    case 'not': return f.a.op === 'atom' ? negatedText(f.a.text) : `not ${operand(f.a)}`;
    default: return `${operand(f.a)} ${f.op} ${operand(f.b)}`;
  }
}

/** The first atom of a formula that the path has not decided yet. */
export function openAtom(f: Formula, assume: ReadonlyMap<string, boolean>): Extract<Formula, { op: 'atom' }> | undefined {
  switch (f.op) {
    case 'atom': return assume.has(f.id) ? undefined : f;
    case 'not': return openAtom(f.a, assume);
    default: return evalFormula(f.a, assume) === undefined ? openAtom(f.a, assume) : openAtom(f.b, assume);
  }
}

/** Truthiness of a value as a condition: a boolean with why, or a formula. */
export type Truth = { readonly value: boolean; readonly why: string } | { readonly f: Formula };

export function atom(id: string, text: string): Formula {
  return { op: 'atom', id, text };
}

export function modeName(mode: Mode): string {
  return mode === 'train' ? 'training' : 'inference';
}

export { known, unknown };
