/**
 * The explicit casts that make q, k, v (and a float bias) one dtype the target library accepts.
 * The target is the lowest-precision dtype already present that the library accepts (the inputs
 * are then as cheap as the cheapest of them), so the motivating case casts q, k to v's float16.
 */
import { joinWords } from './check';
import type { Cast, DtypeWarning } from './decision';
import type { CallContext } from './context';
import type { Dtype } from './facts';

type Tensor = Cast['tensor'];
export type Dtypes = Partial<Record<Tensor, Dtype>>;

const BITS: Record<Dtype, number> = { float16: 16, bfloat16: 16, float32: 32, float64: 64 };

/**
 * Lowest-precision accepted dtype among q, k, v; on a float16/bfloat16 tie the one more tensors
 * have; if none is accepted, `fallback` (the library's preferred dtype).
 */
export function castTarget(dtypes: Dtypes, accepted: readonly Dtype[], fallback: Dtype): Dtype {
  const present = (['q', 'k', 'v'] as const).map((t) => dtypes[t]).filter((d): d is Dtype => d !== undefined);
  const count = (d: Dtype) => present.filter((p) => p === d).length;
  const usable = [...new Set(present)].filter((d) => accepted.includes(d));
  usable.sort((a, b) => BITS[a] - BITS[b] || count(b) - count(a));
  return usable[0] ?? fallback;
}

/** The autocast dtype in force at the call, if known: the dtype a cast should go to when none of q, k, v has one the library takes. */
export function autocastDtype(c: CallContext): Dtype | undefined {
  const a = c.facts.autocast;
  return a.known && a.value !== null ? a.value : undefined;
}

/** Casts for every tensor whose dtype differs from `target`. */
export function castsTo(dtypes: Dtypes, target: Dtype): Cast[] {
  return (['q', 'k', 'v', 'bias'] as const)
    .filter((t) => dtypes[t] !== undefined && dtypes[t] !== target)
    .map((t) => ({ tensor: t, from: dtypes[t] as Dtype, to: target }));
}

/** "cast q, k from float32 to float16 (the dtype v has)". */
export function adviceFor(casts: readonly Cast[], target: Dtype, dtypes: Dtypes): string {
  const groups = new Map<Dtype, Tensor[]>();
  for (const c of casts) groups.set(c.from, [...(groups.get(c.from) ?? []), c.tensor]);
  const parts = [...groups].map(([from, tensors]) => `${tensors.join(', ')} from ${from}`);
  const holders = (['q', 'k', 'v'] as const).filter((t) => dtypes[t] === target);
  const why = holders.length > 0 ? `the dtype ${joinWords(holders)} ${holders.length > 1 ? 'have' : 'has'}` : 'the dtype the library needs';
  return `cast ${joinWords(parts)} to ${target} (${why}) right before the call`;
}

/** A dtype warning with its casts and advice, or none when nothing needs casting. */
export function dtypeWarning(code: DtypeWarning['code'], message: string, dtypes: Dtypes, target: Dtype): DtypeWarning[] {
  const casts = castsTo(dtypes, target);
  if (casts.length === 0) return [];
  return [{ code, message, casts, advice: adviceFor(casts, target, dtypes) }];
}
