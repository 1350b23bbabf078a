/**
 * What a policy's conditions read: the call's facts, the environment, and the dtypes the library
 * actually sees (SDPA under autocast sees the autocast dtype; flash-attn and xformers see the raw ones).
 */
import type { KernelCapability } from './capabilities';
import { isAutocastCastable, known, unknown, type CallFacts, type Dtype, type Environment, type Fact } from './facts';

export interface EffectiveDtypes {
  readonly q: Fact<Dtype>;
  readonly k: Fact<Dtype>;
  readonly v: Fact<Dtype>;
  /** dtype of a float bias; undefined when there is provably no float bias. */
  readonly bias: Fact<Dtype> | undefined;
}

export interface CallContext {
  readonly facts: CallFacts;
  readonly env: Environment;
  readonly dtypes: EffectiveDtypes;
  readonly web: readonly KernelCapability[];
}

export function buildContext(
  facts: CallFacts, env: Environment, web: readonly KernelCapability[], autocastAware: boolean,
): CallContext {
  const raw = { ...facts.dtypes, bias: biasDtype(facts) };
  const cast = (d: Fact<Dtype>): Fact<Dtype> => (autocastAware ? underAutocast(d, facts.autocast) : d);
  const dtypes = { q: cast(raw.q), k: cast(raw.k), v: cast(raw.v), bias: raw.bias && cast(raw.bias) };
  return { facts, env, dtypes, web };
}

function biasDtype(facts: CallFacts): Fact<Dtype> | undefined {
  const kind = facts.mask.kind;
  if (kind.known && kind.value !== 'float') return undefined;
  return facts.mask.dtype ?? unknown("the attention bias's dtype");
}

/**
 * Autocast casts an op's floating inputs to its dtype, except float64 ones (autocast's
 * `is_eligible` skips double). An input of unknown dtype stays unknown (it might be float64),
 * unless it is known to be one autocast casts.
 */
function underAutocast(d: Fact<Dtype>, autocast: Fact<Dtype | null>): Fact<Dtype> {
  if (!d.known) {
    return isAutocastCastable(d) && autocast.known && autocast.value !== null
      ? known(autocast.value, `autocast to ${autocast.value} (${autocast.source}), whatever ${d.dependsOn} is`) : d;
  }
  if (d.value === 'float64') return d;
  if (!autocast.known) return unknown(autocast.dependsOn);
  if (autocast.value === null) return d;
  return known(autocast.value, `autocast to ${autocast.value} (${autocast.source})`);
}

/** The q, k, v (and float bias) dtypes that are known, before any autocast cast: what the user's code holds. */
export function knownRawDtypes(facts: CallFacts): Partial<Record<'q' | 'k' | 'v' | 'bias', Dtype>> {
  const out: Partial<Record<'q' | 'k' | 'v' | 'bias', Dtype>> = {};
  for (const t of ['q', 'k', 'v'] as const) {
    const d = facts.dtypes[t];
    if (d.known) out[t] = d.value;
  }
  const bias = biasDtype(facts);
  if (bias?.known && facts.mask.kind.known) out.bias = bias.value;
  return out;
}

/** Torch version at least major.minor. */
export function torchAtLeast(env: Environment, major: number, minor: number): boolean {
  const [a, b] = env.torch;
  return a > major || (a === major && b >= minor);
}
