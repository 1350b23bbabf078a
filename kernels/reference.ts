/**
 * The float64 oracle: softmax(q·kᵀ·scale + bias) · v per (batch, head), with boolean masks,
 * bottom-right causal alignment (query i sees keys j ≤ i + Lk − Lq) and grouped heads
 * (query head h reads key/value head ⌊h / (H/Hkv)⌋). A row with no visible key is NaN, as in PyTorch.
 */
import { scaleOf, type KernelConfig } from './kernel';

export interface AttentionInputs {
  readonly q: Float64Array;
  readonly k: Float64Array;
  readonly v: Float64Array;
  /** Float bias values, or 0/1 for a boolean mask; absent when the config has no mask. */
  readonly mask?: Float64Array;
}

export function referenceAttention(c: KernelConfig, x: AttentionInputs): Float64Array {
  const { batch: B, heads: H, kvHeads: Hkv, seqQ: Lq, seqKv: Lk, headDim: D, headDimV: Dv } = c.shape;
  const scale = scaleOf(c);
  const group = H / Hkv;
  const out = new Float64Array(B * H * Lq * Dv);
  const scores = new Float64Array(Lk);
  for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) {
    const kh = Math.floor(h / group);
    const qBase = (b * H + h) * Lq * D;
    const kBase = (b * Hkv + kh) * Lk * D;
    const vBase = (b * Hkv + kh) * Lk * Dv;
    const maskBase = c.mask.kind === 'none' ? 0
      : ((c.mask.batch === 1 ? 0 : b) * c.mask.heads + (c.mask.heads === 1 ? 0 : h)) * Lq * Lk;
    for (let i = 0; i < Lq; i++) {
      let max = -Infinity;
      for (let j = 0; j < Lk; j++) {
        let s = 0;
        for (let d = 0; d < D; d++) s += x.q[qBase + i * D + d] * x.k[kBase + j * D + d];
        s *= scale;
        const m = x.mask ? x.mask[maskBase + i * Lk + j] : 0;
        if (c.mask.kind === 'float') s += m;
        if (c.mask.kind === 'bool' && !m) s = -Infinity;
        if (c.causal && j > i + Lk - Lq) s = -Infinity;
        scores[j] = s;
        max = Math.max(max, s);
      }
      let sum = 0;
      for (let j = 0; j < Lk; j++) { scores[j] = Math.exp(scores[j] - max); sum += scores[j]; }
      const o = ((b * H + h) * Lq + i) * Dv;
      for (let j = 0; j < Lk; j++) {
        const p = scores[j] / sum;
        for (let d = 0; d < Dv; d++) out[o + d] += p * x.v[vBase + j * Dv + d];
      }
    }
  }
  return out;
}

/** ‖actual − expected‖₂ / ‖expected‖₂ (NaN if either has a NaN). */
export function relativeL2(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new RangeError(`length ${actual.length} ≠ ${expected.length}`);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    diff += (actual[i] - expected[i]) ** 2;
    norm += expected[i] ** 2;
  }
  return Math.sqrt(diff / norm);
}
