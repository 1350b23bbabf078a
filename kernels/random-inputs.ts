/** Seeded random attention inputs, already rounded to the kernel dtype so the oracle sees what the kernel sees. */
import { fromHalfBits, toHalfBits } from './half';
import type { KernelConfig, KernelDtype } from './kernel';
import type { AttentionInputs } from './reference';

/** mulberry32: a small, fast, seedable PRNG; uniform in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function roundTo(dtype: KernelDtype, x: number): number {
  return dtype === 'float16' ? fromHalfBits(toHalfBits(x)) : Math.fround(x);
}

function uniform(n: number, rand: () => number, dtype: KernelDtype): Float64Array {
  return Float64Array.from({ length: n }, () => roundTo(dtype, rand() * 2 - 1));
}

/**
 * q, k, v uniform in [−1, 1); a float bias uniform in [−1, 1); a boolean mask true with
 * probability 0.8 and always true on the causal diagonal (key 0 for rows above it), so every row sees a key.
 */
export function randomInputs(c: KernelConfig, seed: number): AttentionInputs {
  const s = c.shape;
  const rand = prng(seed);
  const q = uniform(s.batch * s.heads * s.seqQ * s.headDim, rand, c.dtype);
  const k = uniform(s.batch * s.kvHeads * s.seqKv * s.headDim, rand, c.dtype);
  const v = uniform(s.batch * s.kvHeads * s.seqKv * s.headDimV, rand, c.dtype);
  if (c.mask.kind === 'none') return { q, k, v };
  const planes = c.mask.batch * c.mask.heads;
  if (c.mask.kind === 'float') return { q, k, v, mask: uniform(planes * s.seqQ * s.seqKv, rand, c.dtype) };
  const mask = new Float64Array(planes * s.seqQ * s.seqKv);
  for (let p = 0; p < planes; p++) for (let i = 0; i < s.seqQ; i++) for (let j = 0; j < s.seqKv; j++) {
    mask[(p * s.seqQ + i) * s.seqKv + j] = j === Math.max(0, i + s.seqKv - s.seqQ) || rand() < 0.8 ? 1 : 0;
  }
  return { q, k, v, mask };
}
