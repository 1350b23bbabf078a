/**
 * Library calls that run or return another callable, so the analysis follows the callable:
 * `torch.jit.script(model)` and the data-parallel wrappers (`DDP(model)`) behave like `model`
 * (`torch.compile(model)` too, and runs it compiled: interpreter/torch-compile.ts); `checkpoint(block, x, …)` calls `block(x, …)`; `functools.partial(f, …)` is `f`
 * with arguments bound in advance; `vmap(fn)` runs `fn` on slices.
 */
import type { CallArg, CallArgs } from '../values/engine';
import { tensor, type Value } from '../values/values';

/** Calls a callable with arguments (the evaluator's own dispatch: library, module, workspace). */
export type CallValue = (callee: Value, args: CallArgs) => Value;

/**
 * Functions whose result is their first argument, as far as calling it goes: scripting, and the
 * reparametrisations that return the module they were given (`weight_norm(nn.Conv1d(…))`).
 */
const SAME_MODULE = new Set([
  'torch.jit.script',
  'torch.nn.utils.weight_norm', 'torch.nn.utils.spectral_norm',
  'torch.nn.utils.parametrizations.weight_norm', 'torch.nn.utils.parametrizations.spectral_norm', 'torch.nn.utils.parametrizations.orthogonal',
]);

/** Classes that wrap a module and call it when called (however torch exposes them). */
const PARALLEL_WRAPPERS = new Set(['DataParallel', 'DistributedDataParallel', 'FullyShardedDataParallel']);

/** `DDP`, `torch.nn.DataParallel`, `…fsdp.FullyShardedDataParallel`: a wrapper that runs the module it was given. */
export function isParallelWrapper(qualified: string): boolean {
  return PARALLEL_WRAPPERS.has(qualified.split('.').pop()!);
}

/** Activation checkpointing: `checkpoint(fn, *args, **kwargs)` runs `fn(*args, **kwargs)` (in training). */
const CHECKPOINT = new Set(['torch.utils.checkpoint.checkpoint']);
/** `checkpoint`'s own keywords, not passed on to the function. */
const CHECKPOINT_KEYWORDS = new Set(['use_reentrant', 'preserve_rng_state', 'context_fn', 'determinism_check', 'debug']);

const PARTIAL = new Set(['functools.partial']);

/** Vectorising maps: `vmap(fn, in_dims, out_dims)` is a callable that runs `fn` on slices of its arguments. */
const VMAP = new Set(['torch.vmap', 'torch.func.vmap', 'functorch.vmap']);

/** The call of a library function that wraps a callable; undefined when `name` is none of those. */
export function wrapperCall(name: string, args: CallArgs, callValue: CallValue): Value | undefined {
  const [first, ...rest] = args.positional;
  if (SAME_MODULE.has(name) || (name.startsWith('torch.') && isParallelWrapper(name))) return first?.value;
  if (CHECKPOINT.has(name) && first) {
    const keywords = new Map([...args.keywords].filter(([k]) => !CHECKPOINT_KEYWORDS.has(k)));
    return callValue(first.value, { ...args, positional: rest, keywords });
  }
  if (PARTIAL.has(name) && first) return { t: 'partial', fn: first.value, args: { ...args, positional: rest } };
  if (VMAP.has(name) && first) return { t: 'partial', fn: first.value, args: { positional: [], keywords: new Map() }, sliced: true };
  return undefined;
}

/**
 * The arguments a partial passes: the bound ones first, keywords given at the call override bound ones.
 * A vmap's tensors are slices: their dtype, extents unknown.
 */
export function partialArgs(partial: Value & { t: 'partial' }, given: CallArgs): CallArgs {
  const bound = partial.args;
  const slice = (a: CallArg): CallArg => (partial.sliced && a.value.t === 'tensor' ? { ...a, value: tensor(a.value.dtype, a.value.origin, a.value.bool === undefined ? {} : { bool: a.value.bool }) } : a);
  const positional: CallArg[] = [...bound.positional, ...given.positional].map(slice);
  const keywords = new Map([...bound.keywords, ...given.keywords].map(([k, a]) => [k, slice(a)] as const));
  const morePositional = given.morePositional ?? bound.morePositional;
  const moreKeywords = given.moreKeywords ?? bound.moreKeywords;
  return { positional, keywords, ...(morePositional ? { morePositional } : {}), ...(moreKeywords ? { moreKeywords } : {}) };
}
