/**
 * Library calls that run or return another callable, so the analysis follows the callable:
 * `torch.jit.script(model)` and the data-parallel wrappers (`DDP(model)`) behave like `model`
 * (`torch.compile(model)` too, and runs it compiled: interpreter/torch-compile.ts); `checkpoint(block, x, …)` calls `block(x, …)`; `functools.partial(f, …)` is `f`
 * with arguments bound in advance.
 */
import type { CallArg, CallArgs } from '../values/engine';
import type { Value } from '../values/values';

/** Calls a callable with arguments (the evaluator's own dispatch: library, module, workspace). */
export type CallValue = (callee: Value, args: CallArgs) => Value;

/** Functions whose result is their first argument, as far as calling it goes. */
const SAME_MODULE = new Set(['torch.jit.script']);

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

/** The call of a library function that wraps a callable; undefined when `name` is none of those. */
export function wrapperCall(name: string, args: CallArgs, callValue: CallValue): Value | undefined {
  const [first, ...rest] = args.positional;
  if (SAME_MODULE.has(name) || (name.startsWith('torch.') && isParallelWrapper(name))) return first?.value;
  if (CHECKPOINT.has(name) && first) {
    const keywords = new Map([...args.keywords].filter(([k]) => !CHECKPOINT_KEYWORDS.has(k)));
    return callValue(first.value, { ...args, positional: rest, keywords });
  }
  if (PARTIAL.has(name) && first) return { t: 'partial', fn: first.value, args: { ...args, positional: rest } };
  return undefined;
}

/** The arguments a partial passes: the bound ones first, keywords given at the call override bound ones. */
export function partialArgs(bound: CallArgs, given: CallArgs): CallArgs {
  const positional: CallArg[] = [...bound.positional, ...given.positional];
  const keywords = new Map([...bound.keywords, ...given.keywords]);
  const morePositional = given.morePositional ?? bound.morePositional;
  const moreKeywords = given.moreKeywords ?? bound.moreKeywords;
  return { positional, keywords, ...(morePositional ? { morePositional } : {}), ...(moreKeywords ? { moreKeywords } : {}) };
}
