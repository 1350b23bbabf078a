/**
 * diffusers' `dispatch_attention_fn(query, key, value, …, backend=…)`: the backend it calls (its
 * `backend=`, else the active one, else `native`) is a function that may raise on its own, then calls a
 * library whose policy decides the kernel. Source: src/diffusers/models/attention_dispatch.py at
 * huggingface/diffusers 58eb52c0 (docs/dispatch.md). Inputs are (B, L, H, D); the native backends permute
 * them to (B, H, L, D) for SDPA and force a kernel with `sdpa_kernel(…)` where their name says one.
 * The `_check_*` constraints run only with `DIFFUSERS_ATTN_CHECKS=1` (off by default): what they would
 * raise is a note, not the outcome. A backend's package is checked where `attention_backend(…)` or
 * `set_attention_backend(…)` sets it (diffusers' RuntimeError, raised there); a `backend=` argument is
 * not, and the backend fails on the library name diffusers set to None.
 */
import { dependsOn, need, needHeads, OK, raises, type Condition } from '../check';
import { torchAtLeast, type CallContext } from '../context';
import type { Policy } from '../engine';
import { known, SDPA_BACKENDS, type CallFacts, type Dtype, type Environment, type Fact, type LibraryApi, type MaskFacts, type SdpaBackend } from '../facts';
import { diffusers as words } from '../messages';

/** Where the rules come from, for sources and notes. */
export const DIFFUSERS_SOURCE = 'attention_dispatch.py at diffusers 58eb52c0';

/** What the notes the diffusers-backend rule looks for say: a check that would raise, a backend not modelled, a dropped argument, an ignored mask. */
export const CHECKS_NOTE = 'with DIFFUSERS_ATTN_CHECKS=1 diffusers raises first: ';
export const UNMODELLED_NOTE = 'is not modelled';
export const DROPPED_NOTE = 'dispatch_attention_fn drops it';
export const IGNORED_MASK_NOTE = 'without them the xformers backend ignores attn_mask when is_causal=True: it passes xops.LowerTriangularMask() instead';

/** The messages a backend function raises with whatever the settings (the outcome, not a note). */
export const BACKEND_RAISES: readonly string[] = [words.flashMask, words.flash3Mask, words.nativeFlashMask, words.xformersMaskRank, words.xformersGqa];

/** Whether an error is `_check_attention_backend_requirements`', raised where the backend is set rather than at the call. */
export function isRequirementError(error: string): boolean {
  return / backend '\w+' is not usable because of missing package or the version is too old\./.test(error);
}

/** Whether an error is Python's, raised where an unchecked backend uses the library name diffusers set to None. */
export function isMissingPackageError(error: string): boolean {
  return error === words.noneCalled || error.startsWith(words.noneAttribute(''));
}

interface Route {
  /** The library function the backend calls. */
  readonly api: LibraryApi;
  /** The SDPA kernel the backend forces with `sdpa_kernel(…)`. */
  readonly forced?: SdpaBackend;
  /** The backend function's own raises, made before it calls the library. */
  readonly raises: readonly Condition[];
  /** Its registered constraints, run only with `DIFFUSERS_ATTN_CHECKS=1`, in their order. */
  readonly checks: readonly Condition[];
  /** `dispatch_attention_fn` arguments the backend's signature lacks: dropped (logged only with checks on). */
  readonly drops: readonly ('dropout_p' | 'enable_gqa')[];
  /** The package the backend's library comes from, where the settings say whether it is installed; `raises` judge its absence. */
  readonly package?: keyof Environment['installed'];
}

const noMask = (message: string): Condition => (c) => need([c.facts.mask.kind], (kind) => (kind === 'none' ? OK : raises(message, 'attn_mask is not None')));

const sameDtype: Condition = (c) => need([c.facts.dtypes.q, c.facts.dtypes.k, c.facts.dtypes.v], (q, k, v) => (q === k && q === v ? OK : raises(words.sameDtype, 'q, k, v dtypes differ')));
const lowDtype: Condition = (c) => need([c.facts.dtypes.q], (q) => (q === 'float16' || q === 'bfloat16' ? OK : raises(words.lowDtype, `q is ${q}`)));
const maskOrCausal: Condition = (c) => need([c.facts.causal], (causal) => !causal ? OK
  : need([c.facts.mask.kind], (kind) => (kind === 'none' ? OK : raises(words.maskOrCausal, 'attn_mask with is_causal'))));

/** xformers' backend takes a 2-D or 4-D mask tensor only (it turns both into a (B, H, Lq, Lk) bias). */
const xformersMaskRank: Condition = (c) => need([c.facts.causal], (causal) => causal ? OK : need([c.facts.mask.kind], (kind) => {
  if (kind === 'none') return OK;
  const shape = c.facts.mask.shape;
  if (!shape) return dependsOn(['the number of dims of attn_mask']);
  return need([shape], (s) => (s.length === 2 || s.length === 4 ? OK : raises(words.xformersMaskRank, `${s.length}-D attn_mask`)));
}));

/** With `enable_gqa=True` the xformers backend groups the query heads itself. */
const xformersGqa: Condition = (c) => !c.facts.enableGqa ? OK : need([c.facts.enableGqa], (gqa) => !gqa ? OK
  : needHeads(c, (h, hkv) => (h % hkv === 0 ? OK : raises(words.xformersGqa, `${h} heads, ${hkv} kv heads`))));

/**
 * `_check_shape`: q's and k's head sizes, k's and v's lengths, the mask's last dim against k's length
 * (`shape[-1]`, `shape[-3]` of the (B, L, H, D) inputs), in that order; a comparison the facts do not
 * decide is skipped, as the constraints are notes.
 */
const sameShapes: Condition = (c) => {
  const d = c.facts.diffusers;
  const differ = (a: Fact<number> | undefined, b: Fact<number> | undefined): boolean => a?.known === true && b?.known === true && a.value !== b.value;
  if (differ(c.facts.shape.headDim, d?.keyHeadDim)) return raises(words.headDims, 'q and k head sizes differ');
  if (differ(d?.keyLength, d?.valueLength)) return raises(words.kvLengths, 'k and v lengths differ');
  const maskShape = c.facts.mask.shape;
  const maskLast = maskShape?.known && maskShape.value.length > 0 ? maskShape.value[maskShape.value.length - 1] : null;
  const maskLength = typeof maskLast === 'number' ? known(maskLast, 'the mask\'s last dim') : undefined;
  return differ(maskLength, d?.keyLength) ? raises(words.maskLength, 'mask and key lengths differ') : OK;
};

/**
 * The package a backend needs where `attention_backend(…)` / `set_attention_backend(…)` set it:
 * `_check_attention_backend_requirements` raises there, before any call runs.
 */
const required = (library: keyof Environment['installed'], message: string): Condition => (c) => isKnown(checkedFact(c), false) ? OK
  : need([c.env.installed[library]], (has) => has ? OK : need([checkedFact(c)], (checked) => (checked ? raises(message, `${library} not installed`) : OK)));

/**
 * The same package where `backend=` skipped that check: Python raises where the backend uses the name
 * diffusers set to None; `causal` limits it to the calls that use the name there (xformers' backend
 * uses `xops` for is_causal before its mask checks, else at the end).
 */
const missing = (library: keyof Environment['installed'], message: string, causal?: boolean): Condition => (c) => isKnown(checkedFact(c), true) ? OK
  : need([c.env.installed[library]], (has) => has ? OK : need([checkedFact(c)], (checked) => checked ? OK
    : causal === undefined ? raises(message, `${library} not installed`)
      : need([c.facts.causal], (isCausal) => (isCausal === causal ? raises(message, `${library} not installed`) : OK))));

/** Whether the package was checked where the backend was set (the conditions read the call as written, which has its diffusers facts). */
function checkedFact(c: CallContext): Fact<boolean> {
  return c.facts.diffusers!.checked;
}

/** A known fact of that value: the one of `required` and `missing` that cannot apply asks nothing (the other asks whether the package is installed). */
function isKnown(f: Fact<boolean>, value: boolean): boolean {
  return f.known && f.value === value;
}

const NATIVE_CHECKS = [sameDtype, sameShapes];
const LOW_CHECKS = [sameDtype, lowDtype, sameShapes];

const ROUTES: Readonly<Record<string, Route>> = {
  native: { api: 'sdpa', raises: [], checks: NATIVE_CHECKS, drops: [] },
  _native_flash: { api: 'sdpa', forced: 'flash', raises: [noMask(words.nativeFlashMask)], checks: LOW_CHECKS, drops: [] },
  _native_efficient: { api: 'sdpa', forced: 'efficient', raises: [], checks: NATIVE_CHECKS, drops: [] },
  _native_math: { api: 'sdpa', forced: 'math', raises: [], checks: NATIVE_CHECKS, drops: [] },
  _native_cudnn: { api: 'sdpa', forced: 'cudnn', raises: [], checks: LOW_CHECKS, drops: [] },
  flash: {
    api: 'flash_attn_func', package: 'flash_attn', checks: LOW_CHECKS, drops: ['enable_gqa'],
    raises: [required('flash_attn', words.flashRequirement('flash')), noMask(words.flashMask), missing('flash_attn', words.noneCalled)],
  },
  _flash_3: { api: 'flash_attn3_func', raises: [noMask(words.flash3Mask)], checks: LOW_CHECKS, drops: ['dropout_p', 'enable_gqa'] },
  xformers: {
    api: 'memory_efficient_attention', package: 'xformers', checks: [maskOrCausal, sameDtype, sameShapes], drops: [],
    raises: [
      required('xformers', words.xformersRequirement('xformers')), missing('xformers', words.noneAttribute('LowerTriangularMask'), true),
      xformersMaskRank, xformersGqa, missing('xformers', words.noneAttribute('memory_efficient_attention'), false),
    ],
  },
};

/**
 * What the backends the rules do not model still check where they are set, on facts the settings give:
 * flex needs torch ≥ 2.5; flash_varlen needs flash-attn, as flash does (one branch of
 * `_check_attention_backend_requirements`).
 */
const UNMODELLED_REQUIREMENTS: Readonly<Record<string, Condition>> = {
  flash_varlen: required('flash_attn', words.flashRequirement('flash_varlen')),
  flex: (c) => (torchAtLeast(c.env, 2, 5) ? OK
    : need([checkedFact(c)], (checked) => (checked ? raises(words.flexRequirement('flex'), `torch ${c.env.torch.join('.')}`) : OK))),
};

/** The backends diffusers registers that the analysis does not model (hub kernels, varlen, sage, flex, NPU, XLA, aiter). */
export function isModelled(backend: string): boolean {
  return Object.prototype.hasOwnProperty.call(ROUTES, backend);
}

/** The kernel a native backend forces: only it on, as `sdpa_kernel(SDPBackend.…)` leaves the switches. */
function forcedSwitches(kernel: SdpaBackend, backend: Fact<string> & { known: true }): CallFacts['sdpaBackends'] {
  const source = `diffusers backend "${backend.value}" (${backend.source}) runs SDPA in sdpa_kernel(SDPBackend.${SDPA_ENUM[kernel]}) (${DIFFUSERS_SOURCE})`;
  return { enabled: Object.fromEntries(SDPA_BACKENDS.map((b) => [b, known(b === kernel, source)])) };
}

const SDPA_ENUM: Readonly<Record<SdpaBackend, string>> = { flash: 'FLASH_ATTENTION', efficient: 'EFFICIENT_ATTENTION', math: 'MATH', cudnn: 'CUDNN_ATTENTION' };

/** The mask xformers' backend passes: `LowerTriangularMask()` for is_causal (attn_mask ignored), else a bias in q's dtype. */
function xformersMask(facts: CallFacts): MaskFacts {
  const { causal, mask } = facts;
  if (causal.known && causal.value) return { kind: known('library', `is_causal=True: diffusers' xformers backend passes xops.LowerTriangularMask() (${DIFFUSERS_SOURCE})`), className: 'LowerTriangularMask' };
  if (!mask.kind.known || mask.kind.value === 'none') return mask;
  const q: Fact<Dtype> = facts.dtypes.q;
  return { ...mask, kind: known('float', `diffusers' xformers backend turns attn_mask into an additive bias of q's dtype (${DIFFUSERS_SOURCE})`), dtype: q };
}

/** The facts the library the backend calls sees. */
function routedFacts(facts: CallFacts, route: Route, backend: Fact<string> & { known: true }, torchGqa: boolean): CallFacts {
  const { diffusers: _backend, ...rest } = facts;
  const dropout = route.drops.includes('dropout_p') ? { dropout: known(0, `diffusers backend "${backend.value}" takes no dropout_p`) } : {};
  // `dispatch_attention_fn` passes enable_gqa only on torch ≥ 2.5, and only to backends that take it.
  const { enableGqa, ...noGqa } = rest;
  const gqa = enableGqa && torchGqa && !route.drops.includes('enable_gqa') ? { enableGqa } : {};
  if (route.api === 'sdpa') {
    const layout = known('BHLD' as const, `diffusers backend "${backend.value}" permutes q, k, v to (B, H, L, D) (${DIFFUSERS_SOURCE})`);
    return { ...noGqa, ...gqa, ...dropout, api: 'sdpa', layout, ...(route.forced ? { sdpaBackends: forcedSwitches(route.forced, backend) } : {}) };
  }
  if (route.api === 'memory_efficient_attention') {
    // With enable_gqa it expands k and v to q's heads; is_causal becomes the mask.
    const heads = gqa.enableGqa?.known && gqa.enableGqa.value ? { shape: { ...facts.shape, kvHeads: facts.shape.heads } } : {};
    return { ...noGqa, ...heads, api: route.api, mask: xformersMask(facts), causal: known(false, `diffusers' xformers backend passes is_causal as a mask (${DIFFUSERS_SOURCE})`) };
  }
  return { ...noGqa, ...gqa, ...dropout, api: route.api };
}

/** The checks `DIFFUSERS_ATTN_CHECKS=1` would make and the arguments the backend drops, as notes. */
function routeNotes(route: Route, backend: string, c: CallContext): string[] {
  const failed = route.checks.map((check) => check(c)).find((r) => r.kind === 'raises');
  const out = failed ? [`${CHECKS_NOTE}"${failed.reason}"`] : [];
  const { causal, mask } = c.facts;
  if (route.api === 'memory_efficient_attention' && causal.known && causal.value && mask.kind.known && mask.kind.value !== 'none') out.push(IGNORED_MASK_NOTE);
  // A dropped enable_gqa changes nothing (flash-attn groups heads itself); a dropped dropout_p does.
  const { dropout } = c.facts;
  if (route.drops.includes('dropout_p') && !(dropout.known && dropout.value === 0)) {
    out.push(`diffusers backend "${backend}" does not take dropout_p: ${DROPPED_NOTE} without a word (it logs the removal only with DIFFUSERS_ATTN_CHECKS=1)`);
  }
  return out;
}

/** The call as diffusers runs it: the inner library's policy behind the backend's own raises. */
function wrapped(inner: Policy, route: Route, backend: Fact<string> & { known: true }, outer: CallContext): Policy {
  return {
    ...inner,
    id: 'diffusers',
    validation: [...route.raises.map((r): Condition => () => r(outer)), ...inner.validation],
    notes: (c, chosen) => [`diffusers backend "${backend.value}" (${backend.source})`, ...routeNotes(route, backend.value, outer), ...inner.notes(c, chosen)],
  };
}

/** A backend the rules do not model: named, not judged, but for the requirement diffusers checks where it is set. */
function unmodelled(backend: Fact<string> & { known: true }, outer: CallContext): Policy {
  const requirement = UNMODELLED_REQUIREMENTS[backend.value];
  return {
    id: 'diffusers', autocastAware: false, validation: requirement ? [() => requirement(outer)] : [],
    backends: [{ backend: `diffusers.${backend.value}`, conditions: [] }],
    warnings: () => [],
    notes: () => [`diffusers backend "${backend.value}" (${backend.source}) ${UNMODELLED_NOTE}: its kernel's checks are not read, so this call is not judged`],
  };
}

/** An unknown backend: depends on what sets it. */
function unknownBackend(dependsOnText: string): Policy {
  return {
    id: 'diffusers', autocastAware: false, validation: [() => dependsOn([dependsOnText])],
    backends: [{ backend: 'diffusers.backend', conditions: [] }],
    warnings: () => [], notes: () => [],
  };
}

/**
 * The settings the library sees: past diffusers' own package conditions (the route's `raises`), its
 * package is there, so its policy does not answer the import error diffusers never reaches.
 */
function routedEnv(env: Environment, route: Route, backend: Fact<string> & { known: true }): Environment {
  if (!route.package) return env;
  const past = known(true, `diffusers backend "${backend.value}" runs only with ${route.package} installed (${DIFFUSERS_SOURCE})`);
  return { ...env, installed: { ...env.installed, [route.package]: past } };
}

/**
 * The policy, facts and settings a `dispatch_attention_fn` call is decided with. `policyFor` gives the
 * library policy of an API for the settings (passed in, so the rules import no policy table); `outer`
 * is the call as written, whose facts and settings diffusers' own raises read.
 */
export function diffusersDispatch(outer: CallContext, policyFor: (api: LibraryApi, env: Environment) => Policy, torchGqa: boolean): { policy: Policy; facts: CallFacts; env: Environment } {
  const { facts, env } = outer;
  const backend = facts.diffusers?.backend;
  if (!backend) throw new RangeError('the diffusers policy needs CallFacts.diffusers');
  if (!backend.known) return { policy: unknownBackend(backend.dependsOn), facts, env };
  const route = ROUTES[backend.value];
  if (!route) return { policy: unmodelled(backend, outer), facts, env };
  const inner = routedEnv(env, route, backend);
  return { policy: wrapped(policyFor(route.api, inner), route, backend, outer), facts: routedFacts(facts, route, backend, torchGqa), env: inner };
}
