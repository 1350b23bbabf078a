import * as assert from 'node:assert/strict';
import type { KernelConfig } from '../../kernels/kernel';
import { sharedRuntime } from './shared-runtime';

const config: KernelConfig = { shape: { batch: 1, heads: 2, kvHeads: 2, seqQ: 4, seqKv: 4, headDim: 8, headDimV: 8 }, dtype: 'float32', mask: { kind: 'none' }, causal: false };

describe('session cache', () => {
  it('reuses a session for the same (kernel, shapes, dtype, mask, provider) and not otherwise', async function () {
    this.timeout(30_000);
    const rt = sharedRuntime();
    const a = await rt.cachedSession('math', config, 'wasm');
    assert.equal(await rt.cachedSession('math', { ...config }, 'wasm'), a);
    assert.notEqual(await rt.cachedSession('fused', config, 'wasm'), a);
    assert.notEqual(await rt.cachedSession('math', { ...config, dtype: 'float16' }, 'wasm'), a);
    assert.notEqual(await rt.cachedSession('math', { ...config, shape: { ...config.shape, seqKv: 5 } }, 'wasm'), a);
  });
  it('does not cache a refusal: the error comes each time', async () => {
    const grouped = { ...config, shape: { ...config.shape, kvHeads: 1 } };
    for (let i = 0; i < 2; i++) {
      await assert.rejects(sharedRuntime().cachedSession('fused', grouped, 'wasm'), /fused on wasm: needs as many key\/value heads as query heads \(got 1 for 2\)/);
    }
  });
});
