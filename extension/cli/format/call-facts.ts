/**
 * A call's dtypes and shapes as one value per call, from its two paths' facts: a value is given
 * only when every path that reaches the call (both, when neither provably does) knows it and
 * they agree; otherwise null. Per-path differences show in the modes' backends and reasons.
 */
import type { CallFacts, Dtype, Fact } from '../../../runtime/dispatch/facts';
import type { CallReport } from '../../analysis/report';

export interface CallDtypes {
  readonly q: Dtype | null;
  readonly k: Dtype | null;
  readonly v: Dtype | null;
  /** The float bias' dtype; null when there is none or it is unknown. */
  readonly bias: Dtype | null;
}

export interface CallShapes {
  readonly batch: number | null;
  readonly heads: number | null;
  readonly kv_heads: number | null;
  readonly seq_q: number | null;
  readonly seq_kv: number | null;
  readonly head_dim: number | null;
  readonly head_dim_v: number | null;
}

export function callDtypes(call: CallReport): CallDtypes {
  const agreed = agreement(call);
  return {
    q: agreed((f) => f.dtypes.q),
    k: agreed((f) => f.dtypes.k),
    v: agreed((f) => f.dtypes.v),
    bias: agreed((f) => f.mask.dtype),
  };
}

export function callShapes(call: CallReport): CallShapes {
  const agreed = agreement(call);
  return {
    batch: agreed((f) => f.shape.batch),
    heads: agreed((f) => f.shape.heads),
    kv_heads: agreed((f) => f.shape.kvHeads),
    seq_q: agreed((f) => f.shape.seqQ),
    seq_kv: agreed((f) => f.shape.seqKv),
    head_dim: agreed((f) => f.shape.headDim),
    head_dim_v: agreed((f) => f.shape.headDimV),
  };
}

/** The agreed value of one fact over the paths that count for this call. */
function agreement(call: CallReport) {
  const modes = [call.modes.train, call.modes.infer];
  const reaching = modes.filter((m) => m.reached !== false);
  const facts = (reaching.length > 0 ? reaching : modes).map((m) => m.facts);
  return <T>(pick: (facts: CallFacts) => Fact<T> | undefined): T | null => {
    const values = facts.map(pick);
    const first = values[0];
    if (first === undefined || !first.known) return null;
    return values.every((f) => f !== undefined && f.known && f.value === first.value) ? first.value : null;
  };
}
