/**
 * The global state a call leaves for the rest of its caller's path: SDPA's switches
 * (`enable_flash_sdp(False)` in a setup function) and diffusers' active attention backend
 * (`model.set_attention_backend("flash")` in one: it sets a registry-wide backend, modeling_utils.py at
 * diffusers 58eb52c0). A region the callee entered and left (`with sdpa_kernel(…)`,
 * `with attention_backend(…)`) leaves nothing.
 */
import { known, unknown, type Fact } from '../../../runtime/dispatch/facts';
import { DEFAULT_DIFFUSERS_BACKEND } from '../values/diffusers-backends';
import type { Ctx, PathState } from '../values/state';
import { joinFact } from '../values/values';
import { afterCall, differingWhy, switchesLeft, type SdpaLeft } from './sdpa-switches';

export interface CallLeft {
  readonly sdpa?: SdpaLeft;
  /** The active diffusers backend after the call, where it changed it. */
  readonly diffusersBackend?: Fact<string>;
}

/**
 * What a call entered with `entry` leaves, from its end states (every path through it). `caller` is the
 * context it was called in: what a decorator set up (`@sdpa_kernel(…)`, `@attention_backend(…)`) ends
 * with the call, and with it what the body changed inside. undefined when it leaves nothing.
 */
export function callLeft(entry: Ctx, ends: readonly PathState[], fn: string, caller: Ctx = entry): CallLeft | undefined {
  const sdpa = entry.sdpa === caller.sdpa ? switchesLeft(entry.sdpa, ends, fn) : undefined;
  const diffusersBackend = entry.diffusersBackend === caller.diffusersBackend ? backendLeft(entry.diffusersBackend, ends, fn) : undefined;
  return sdpa || diffusersBackend ? { ...(sdpa ? { sdpa } : {}), ...(diffusersBackend ? { diffusersBackend } : {}) } : undefined;
}

/**
 * The active backend the paths end with, where one of them changed it; where they end with different
 * ones, unknown: it depends on the conditions that tell those paths apart (`` `fast` ``).
 */
function backendLeft(before: Fact<string> | undefined, ends: readonly PathState[], fn: string): Fact<string> | undefined {
  const after = ends.map((s) => s.ctx.diffusersBackend ?? DEFAULT_DIFFUSERS_BACKEND);
  if (ends.every((s) => s.ctx.diffusersBackend === before)) return undefined;
  const joined = after.reduce((a, b) => joinFact(a, b));
  if (joined.known) return joined;
  const changed = ends.filter((s) => s.ctx.diffusersBackend !== before);
  const sources = [...new Set(after.map((f) => (f.known ? `${f.value} from ${f.source}` : f.dependsOn)))];
  return unknown(differingWhy(changed, ends, fn, sources));
}

/** The context after a call that left `left`, each fact's source extended with the call (`via`: "in `setup` called at run.py:9"). */
export function afterReturn(ctx: Ctx, left: CallLeft, via: string): Ctx {
  const backend = left.diffusersBackend;
  return {
    ...ctx,
    ...(left.sdpa ? { sdpa: afterCall(ctx.sdpa, left.sdpa, via) } : {}),
    ...(backend ? { diffusersBackend: backend.known ? known(backend.value, `${backend.source}, ${via}`) : unknown(`${backend.dependsOn}, ${via}`) } : {}),
  };
}
