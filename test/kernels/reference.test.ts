import * as assert from 'node:assert/strict';
import { fromHalfBits, toHalfBits } from '../../kernels/half';
import type { KernelConfig } from '../../kernels/kernel';
import { prng, randomInputs } from '../../kernels/random-inputs';
import { referenceAttention, relativeL2 } from '../../kernels/reference';

const shape = (seqQ: number, seqKv: number, heads = 1, kvHeads = 1) => ({ batch: 1, heads, kvHeads, seqQ, seqKv, headDim: 2, headDimV: 2 });

describe('float64 reference attention', () => {
  it('averages v when all scores are equal (q = 0)', () => {
    const c: KernelConfig = { shape: shape(1, 3), dtype: 'float32', mask: { kind: 'none' }, causal: false };
    const out = referenceAttention(c, { q: new Float64Array(2), k: Float64Array.of(1, 2, 3, 4, 5, 6), v: Float64Array.of(1, 10, 2, 20, 6, 60) });
    assert.deepEqual([...out], [3, 30]);
  });
  it('aligns causal masks bottom-right: with Lq 2, Lk 3 the first query sees keys 0 and 1', () => {
    const c: KernelConfig = { shape: shape(2, 3), dtype: 'float32', mask: { kind: 'none' }, causal: true };
    const out = referenceAttention(c, { q: new Float64Array(4), k: new Float64Array(6), v: Float64Array.of(2, 0, 4, 0, 9, 0) });
    assert.deepEqual([...out], [3, 0, 5, 0]);
  });
  it('applies a boolean mask (true = attend) and an additive bias', () => {
    const base = { shape: shape(1, 2), dtype: 'float32' as const, causal: false };
    const x = { q: new Float64Array(2), k: new Float64Array(4), v: Float64Array.of(1, 0, 3, 0) };
    assert.deepEqual([...referenceAttention({ ...base, mask: { kind: 'bool', batch: 1, heads: 1 } }, { ...x, mask: Float64Array.of(0, 1) })], [3, 0]);
    const biased = referenceAttention({ ...base, mask: { kind: 'float', batch: 1, heads: 1 } }, { ...x, mask: Float64Array.of(Math.log(3), 0) });
    assert.ok(Math.abs(biased[0] - (3 * 1 + 1 * 3) / 4) < 1e-12);
  });
  it('maps query heads to key/value heads in groups (head h reads kv head ⌊h·Hkv/H⌋)', () => {
    const c: KernelConfig = { shape: shape(1, 1, 4, 2), dtype: 'float32', mask: { kind: 'none' }, causal: false };
    const out = referenceAttention(c, { q: new Float64Array(8), k: new Float64Array(4), v: Float64Array.of(1, 1, 2, 2) });
    assert.deepEqual([...out], [1, 1, 1, 1, 2, 2, 2, 2]);
  });
  it('measures relative L2 error', () => {
    assert.equal(relativeL2([3, 4], [3, 4]), 0);
    assert.ok(Math.abs(relativeL2([3, 4.5], [3, 4]) - 0.1) < 1e-12);
  });
});

describe('seeded inputs and float16', () => {
  it('gives the same inputs for the same seed and different ones otherwise', () => {
    const c: KernelConfig = { shape: shape(4, 4), dtype: 'float16', mask: { kind: 'bool', batch: 1, heads: 1 }, causal: false };
    assert.deepEqual(randomInputs(c, 7), randomInputs(c, 7));
    assert.notDeepEqual(randomInputs(c, 7).q, randomInputs(c, 8).q);
    for (const x of randomInputs(c, 7).q) assert.equal(fromHalfBits(toHalfBits(x)), x);
  });
  it('keeps every row of a random boolean mask attending to its diagonal key', () => {
    const c: KernelConfig = { shape: shape(5, 9), dtype: 'float32', mask: { kind: 'bool', batch: 1, heads: 1 }, causal: true };
    const m = randomInputs(c, 3).mask!;
    for (let i = 0; i < 5; i++) assert.equal(m[i * 9 + i + 4], 1);
  });
  const halves: [number, number][] = [[1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [1e6, 0x7c00], [2 ** -24, 0x0001], [0.1, 0x2e66], [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02]];
  for (const [x, bits] of halves) {
    it(`rounds ${x} to float16 0x${bits.toString(16)}`, () => assert.equal(toHalfBits(x), bits));
  }
  it('is uniform-ish in [0, 1)', () => {
    const r = prng(1);
    const xs = Array.from({ length: 1000 }, r);
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    assert.ok(Math.abs(xs.reduce((a, b) => a + b) / 1000 - 0.5) < 0.05);
  });
});
