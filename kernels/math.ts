/**
 * `math`: the attention formula written out in plain ONNX ops, materialising the Lq×Lk scores:
 * MatMul(q, kᵀ) → ·scale → + bias / Where(mask) / Where(causal) → Softmax → MatMul(·, v).
 * Grouped heads are served by repeating each key/value head over its query heads.
 */
import { causalMask, GraphBuilder, intsAttr, intAttr, standardInputs } from './graph-builder';
import { scaleOf, type Acceptance, type KernelConfig, type KernelSpec } from './kernel';

const ACCEPTS: Acceptance = {
  available: true, dtypes: ['float32', 'float16'], masks: ['none', 'float', 'bool'], causal: true, causalOnly: false,
  groupedHeads: true, crossLengths: true, maxHeadDim: null,
};

/** [B,Hkv,L,D] → [B,H,L,D], key/value head h/G serving query heads h (G = H/Hkv). */
function repeatHeads(g: GraphBuilder, x: string, c: KernelConfig, dim: number): string {
  const s = c.shape;
  if (s.kvHeads === s.heads) return x;
  const group = s.heads / s.kvHeads;
  const u = g.op('Unsqueeze', [x, g.int64s([2])]);
  const e = g.op('Expand', [u, g.int64s([s.batch, s.kvHeads, group, s.seqKv, dim])]);
  return g.op('Reshape', [e, g.int64s([s.batch, s.heads, s.seqKv, dim])]);
}

function build(c: KernelConfig): Uint8Array {
  const g = new GraphBuilder(c.dtype);
  const s = c.shape;
  const { q, k, v, mask } = standardInputs(g, c);
  const kt = g.op('Transpose', [repeatHeads(g, k, c, s.headDim)], [intsAttr('perm', [0, 1, 3, 2])]);
  let scores = g.op('Mul', [g.op('MatMul', [q, kt]), g.scalar(scaleOf(c))]);
  if (mask && c.mask.kind === 'float') scores = g.op('Add', [scores, mask]);
  if (mask && c.mask.kind === 'bool') scores = g.op('Where', [mask, scores, g.scalar(-Infinity)]);
  if (c.causal) scores = g.op('Where', [causalMask(g, s.seqQ, s.seqKv), scores, g.scalar(-Infinity)]);
  const probs = g.op('Softmax', [scores], [intAttr('axis', -1)]);
  const out = g.op('MatMul', [probs, repeatHeads(g, v, c, s.headDimV)]);
  return g.encode(out, [s.batch, s.heads, s.seqQ, s.headDimV], 17, 'math');
}

export const MATH: KernelSpec = {
  id: 'math',
  summary: 'MatMul → scale → bias/mask/causal → Softmax → MatMul (materialises B·H·Lq·Lk scores)',
  accepts: { wasm: ACCEPTS, webgpu: ACCEPTS },
  refuse: () => null,
  build,
};
