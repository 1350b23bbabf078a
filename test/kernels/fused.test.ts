import * as assert from 'node:assert/strict';
import type { KernelConfig, MaskSpec } from '../../kernels/kernel';
import { compareWithReference, TOLERANCE } from '../../runtime/parity';
import { sharedRuntime } from '../runtime/shared-runtime';

// B2 H3 folded into a batch of 6, Lq ≠ Lk: a wrong reshape or broadcast cannot pass.
const shape = { batch: 2, heads: 3, kvHeads: 3, seqQ: 5, seqKv: 7, headDim: 8, headDimV: 8 };
const config = (mask: MaskSpec, causal = false, seqQ = shape.seqQ): KernelConfig => ({ shape: { ...shape, seqQ }, dtype: 'float32', mask, causal });

describe('fused kernel (heads folded into the batch) on WASM', () => {
  const cases: [string, KernelConfig][] = [
    ['no mask', config({ kind: 'none' })],
    ['causal, Lq < Lk (bottom-right)', config({ kind: 'none' }, true)],
    ['float bias [1,1,Lq,Lk]', config({ kind: 'float', batch: 1, heads: 1 })],
    ['float bias [B,1,Lq,Lk]', config({ kind: 'float', batch: 2, heads: 1 })],
    ['float bias [1,H,Lq,Lk]', config({ kind: 'float', batch: 1, heads: 3 })],
    ['float bias [B,H,Lq,Lk], causal', config({ kind: 'float', batch: 2, heads: 3 }, true)],
    ['bool mask [B,1,Lq,Lk]', config({ kind: 'bool', batch: 2, heads: 1 })],
    ['causal, Lq = Lk (unidirectional), float bias [1,H,Lq,Lk]', config({ kind: 'float', batch: 1, heads: 3 }, true, shape.seqKv)],
    ['causal decode, Lq = 1, bool mask [B,1,1,Lk]', config({ kind: 'bool', batch: 2, heads: 1 }, true, 1)],
  ];
  cases.forEach(([name, c], i) => it(`matches the float64 reference: ${name}`, async function () {
    this.timeout(30_000);
    const session = await sharedRuntime().createSession('fused', c, 'wasm');
    try {
      const error = await compareWithReference(session, 900 + i);
      assert.ok(error <= TOLERANCE.float32, `relative L2 error ${error} > ${TOLERANCE.float32}`);
    } finally {
      await session.dispose();
    }
  }));
  it('refuses v with another head dim than k, which onnxruntime\'s BNSH key/value form rejects at run time', async () => {
    const c: KernelConfig = { ...config({ kind: 'none' }), shape: { ...shape, headDimV: 4 } };
    await assert.rejects(sharedRuntime().createSession('fused', c, 'wasm'),
      /^Error: fused on wasm: MultiHeadAttention with key\/value as \[B,H,L,D\] needs v's head dim equal to k's \(got 4 for 8\)$/);
  });
});
