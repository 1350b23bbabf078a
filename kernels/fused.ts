/**
 * `fused`: onnxruntime's com.microsoft MultiHeadAttention with the heads folded into the batch:
 * q goes in as [B·H, Lq, D] and k, v as [B·H, 1, Lk, D] (MHA's BNSH key/value form) with
 * num_heads = 1, and the output [B·H, Lq, Dv] is already [B,H,Lq,Dv]. Every one of these is a
 * Reshape of a [B,H,L,D] tensor, so the graph copies nothing: with num_heads = H, q had to be
 * transposed to [B,Lq,H·D] and the output back (one thread, WASM: 12–29 % of the time at L128,
 * 2–3 % at L512). A float bias is MHA's `attention_bias`, reshaped (or expanded) to
 * [B·H | 1, 1, Lq, Lk]; a boolean mask becomes that bias inside the graph (0 / −∞). Causal is
 * `unidirectional=1` when Lq = Lk; with Lq < Lk it is a constant bottom-right bias added to the
 * mask, since MultiHeadAttention aligns its causal mask to the top left (query i sees keys j ≤ i).
 */
import { boolToBias, causalMask, GraphBuilder, floatAttr, intAttr, standardInputs } from './graph-builder';
import { scaleOf, type Acceptance, type KernelConfig, type KernelSpec } from './kernel';

const ACCEPTS: Acceptance = {
  available: true, dtypes: ['float32', 'float16'], masks: ['none', 'float', 'bool'], causal: true, causalOnly: false,
  groupedHeads: false, crossLengths: true, maxHeadDim: null,
};

/** A [b,h,Lq,Lk] bias (b·h = `planes`) as MHA's attention_bias over the folded batch: [B·H | 1, 1, Lq, Lk]. */
function foldedBias(g: GraphBuilder, bias: string, planes: number, s: KernelConfig['shape']): string {
  if (planes === 1) return bias;
  const full = planes === s.batch * s.heads ? bias : g.op('Expand', [bias, g.int64s([s.batch, s.heads, s.seqQ, s.seqKv])]);
  return g.op('Reshape', [full, g.int64s([s.batch * s.heads, 1, s.seqQ, s.seqKv])]);
}

function build(c: KernelConfig): Uint8Array {
  const g = new GraphBuilder(c.dtype);
  const s = c.shape;
  const bh = s.batch * s.heads;
  const { q, k, v, mask } = standardInputs(g, c);
  const reshape = (x: string, dims: number[]) => g.op('Reshape', [x, g.int64s(dims)]);
  const explicitCausal = c.causal && s.seqQ !== s.seqKv;
  const causalBias = explicitCausal ? reshape(boolToBias(g, causalMask(g, s.seqQ, s.seqKv)), [1, 1, s.seqQ, s.seqKv]) : null;
  const userBias = mask === null || c.mask.kind === 'none' ? null : c.mask.kind === 'bool' ? boolToBias(g, mask) : mask;
  const planes = c.mask.kind === 'none' ? 1 : c.mask.batch * c.mask.heads;
  const merged = userBias && causalBias ? g.op('Add', [userBias, causalBias]) : userBias ?? causalBias;
  const bias = merged === null ? '' : foldedBias(g, merged, planes, s);
  const inputs = [reshape(q, [bh, s.seqQ, s.headDim]), reshape(k, [bh, 1, s.seqKv, s.headDim]), reshape(v, [bh, 1, s.seqKv, s.headDimV]), '', '', bias];
  const [out] = g.node('MultiHeadAttention', inputs.slice(0, bias ? 6 : 3), [
    intAttr('num_heads', 1), floatAttr('scale', scaleOf(c)), intAttr('unidirectional', c.causal && !explicitCausal ? 1 : 0),
  ], { domain: 'com.microsoft' });
  return g.encode(reshape(out, [s.batch, s.heads, s.seqQ, s.headDimV]), [s.batch, s.heads, s.seqQ, s.headDimV], 17, 'fused');
}

export const FUSED: KernelSpec = {
  id: 'fused',
  summary: 'com.microsoft MultiHeadAttention, heads folded into the batch (attention_bias, unidirectional)',
  accepts: { wasm: ACCEPTS, webgpu: ACCEPTS },
  refuse: (c) => c.shape.kvHeads !== c.shape.heads ? `MultiHeadAttention needs as many key/value heads as query heads (got ${c.shape.kvHeads} for ${c.shape.heads})`
    // onnxruntime's check of the BNSH key/value form: "Input 'key' and 'value' shall have same shape".
    : c.shape.headDimV !== c.shape.headDim ? `MultiHeadAttention with key/value as [B,H,L,D] needs v's head dim equal to k's (got ${c.shape.headDimV} for ${c.shape.headDim})`
    : null,
  build,
};
