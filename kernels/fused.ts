/**
 * `fused`: onnxruntime's com.microsoft MultiHeadAttention. q goes in as [B,Lq,H·D]; k and v go in
 * as [B,H,Lk,D] (MHA's BNSH key/value form). A float bias is MHA's `attention_bias`; a boolean mask
 * becomes that bias inside the graph (0 / −∞); causal is `unidirectional=1`.
 */
import { boolToBias, GraphBuilder, floatAttr, intAttr, standardInputs } from './graph-builder';
import { scaleOf, type Acceptance, type KernelConfig, type KernelSpec } from './kernel';

const ACCEPTS: Acceptance = {
  available: true, dtypes: ['float32', 'float16'], masks: ['none', 'float', 'bool'], causal: true, causalOnly: false,
  groupedHeads: false, crossLengths: true, maxHeadDim: null,
};

function build(c: KernelConfig): Uint8Array {
  const g = new GraphBuilder(c.dtype);
  const s = c.shape;
  const { q, k, v, mask } = standardInputs(g, c);
  const bias = mask === null ? '' : c.mask.kind === 'bool' ? boolToBias(g, mask) : mask;
  const inputs = [g.toBSH(q, s.batch, s.heads, s.seqQ, s.headDim), k, v, '', '', bias];
  const [out] = g.node('MultiHeadAttention', inputs.slice(0, bias ? 6 : 3), [
    intAttr('num_heads', s.heads), floatAttr('scale', scaleOf(c)), intAttr('unidirectional', c.causal ? 1 : 0),
  ], { domain: 'com.microsoft' });
  return g.encode(g.fromBSH(out, s.batch, s.heads, s.seqQ, s.headDimV), [s.batch, s.heads, s.seqQ, s.headDimV], 17, 'fused');
}

export const FUSED: KernelSpec = {
  id: 'fused',
  summary: 'com.microsoft MultiHeadAttention (attention_bias, unidirectional)',
  accepts: { wasm: ACCEPTS, webgpu: ACCEPTS },
  refuse: (c) => c.shape.kvHeads !== c.shape.heads ? `MultiHeadAttention needs as many key/value heads as query heads (got ${c.shape.kvHeads} for ${c.shape.heads})` : null,
  build,
};
