/**
 * `onnx-attention`: the standard ONNX `Attention` operator (opset 23) on [B,H,L,D] tensors, with
 * `attn_mask` (float bias or boolean) and grouped heads. Causal is `is_causal=1` when Lq = Lk;
 * with Lq ≠ Lk the bottom-right causal mask is a graph constant merged into `attn_mask`, since the
 * operator aligns causal masks to the top left.
 */
import { boolToBias, causalMask, GraphBuilder, floatAttr, intAttr, standardInputs } from './graph-builder';
import { scaleOf, type Acceptance, type KernelConfig, type KernelSpec } from './kernel';

const WASM: Acceptance = {
  available: true, dtypes: ['float32', 'float16'], masks: ['none', 'float', 'bool'], causal: true, causalOnly: false,
  groupedHeads: true, crossLengths: true, maxHeadDim: null,
};

function build(c: KernelConfig): Uint8Array {
  const g = new GraphBuilder(c.dtype);
  const s = c.shape;
  const { q, k, v, mask } = standardInputs(g, c);
  const explicitCausal = c.causal && s.seqQ !== s.seqKv;
  let attnMask = mask ?? '';
  if (explicitCausal) {
    const causal = boolToBias(g, causalMask(g, s.seqQ, s.seqKv));
    const userBias = mask === null ? null : c.mask.kind === 'bool' ? boolToBias(g, mask) : mask;
    attnMask = userBias === null ? causal : g.op('Add', [userBias, causal]);
  }
  const [out] = g.node('Attention', attnMask ? [q, k, v, attnMask] : [q, k, v], [
    floatAttr('scale', scaleOf(c)), intAttr('is_causal', c.causal && !explicitCausal ? 1 : 0),
  ]);
  return g.encode(out, [s.batch, s.heads, s.seqQ, s.headDimV], 23, 'onnx-attention');
}

export const ONNX_ATTENTION: KernelSpec = {
  id: 'onnx-attention',
  summary: 'ONNX Attention (opset 23)',
  accepts: {
    wasm: WASM,
    webgpu: { available: false, reason: 'the WebGPU provider of onnxruntime-web 1.30 has no kernel for ONNX Attention (opset 23); onnxruntime would run it on the CPU' },
  },
  refuse: () => null,
  build,
};
