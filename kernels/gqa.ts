/**
 * `gqa`: onnxruntime's com.microsoft GroupQueryAttention, always causal (bottom-right aligned).
 * The last Lq key/value positions are the "new" tokens ([B,Lq,Hkv·D]); the first Lk − Lq are the
 * KV cache (`past_key`/`past_value`, [B,Hkv,P,D]). That covers prefill (Lq = Lk) and decode (Lq = 1).
 */
import { GraphBuilder, intAttr, floatAttr, standardInputs } from './graph-builder';
import { scaleOf, type Acceptance, type KernelConfig, type KernelSpec } from './kernel';

const ACCEPTS: Acceptance = {
  available: true, dtypes: ['float32', 'float16'], masks: ['none'], causal: true, causalOnly: true,
  groupedHeads: true, crossLengths: true, maxHeadDim: null,
};

/** Positions [from, to) of axis 2. */
function slice(g: GraphBuilder, x: string, from: number, to: number): string {
  return g.op('Slice', [x, g.int64s([from]), g.int64s([to]), g.int64s([2])]);
}

function build(c: KernelConfig): Uint8Array {
  const g = new GraphBuilder(c.dtype);
  const s = c.shape;
  const { q, k, v } = standardInputs(g, c);
  const past = s.seqKv - s.seqQ;
  const fresh = (x: string) => g.toBSH(past ? slice(g, x, past, s.seqKv) : x, s.batch, s.kvHeads, s.seqQ, s.headDim);
  const cache = past ? [slice(g, k, 0, past), slice(g, v, 0, past)] : ['', ''];
  const seqlensK = g.constant('int32', [s.batch], Array(s.batch).fill(s.seqKv - 1));
  const total = g.constant('int32', [], [s.seqKv]);
  const [out] = g.node('GroupQueryAttention', [g.toBSH(q, s.batch, s.heads, s.seqQ, s.headDim), fresh(k), fresh(v), ...cache, seqlensK, total], [
    intAttr('num_heads', s.heads), intAttr('kv_num_heads', s.kvHeads), floatAttr('scale', scaleOf(c)),
  ], { domain: 'com.microsoft', outputs: 3 });
  return g.encode(g.fromBSH(out, s.batch, s.heads, s.seqQ, s.headDim), [s.batch, s.heads, s.seqQ, s.headDim], 17, 'gqa');
}

export const GQA: KernelSpec = {
  id: 'gqa',
  summary: 'com.microsoft GroupQueryAttention (causal; KV cache as past_key/past_value)',
  accepts: { wasm: ACCEPTS, webgpu: ACCEPTS },
  refuse: (c) => {
    const s = c.shape;
    if (s.seqQ > 1 && s.seqQ < s.seqKv && s.batch > 1) return `GroupQueryAttention takes new tokens after a KV cache (Lq ${s.seqQ} < Lk ${s.seqKv}) only with Lq = 1 or batch 1 (onnxruntime: "batch_size must be 1 when sequence_length > 1 and past context is given")`;
    if (c.shape.headDimV !== c.shape.headDim) return `GroupQueryAttention needs v's head dim (${c.shape.headDimV}) equal to q's (${c.shape.headDim})`;
    return null;
  },
  build,
};
