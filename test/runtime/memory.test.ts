import * as assert from 'node:assert/strict';
import type { KernelConfig } from '../../kernels/kernel';
import { refusal } from '../../runtime/kernel-session';
import type { ProviderInfo } from '../../runtime/providers/provider';

const wasm: ProviderInfo = { name: 'wasm', description: 'WASM', maxBufferBytes: 2 ** 31, maxTotalBytes: 2 ** 32, refusedDtypes: {} };
const long: KernelConfig = { shape: { batch: 1, heads: 16, kvHeads: 16, seqQ: 16384, seqKv: 16384, headDim: 64, headDimV: 64 }, dtype: 'float32', mask: { kind: 'none' }, causal: false };

describe('memory limits', () => {
  it('refuses math when its B·H·Lq·Lk scores exceed the provider\'s largest buffer, giving the sizes', () => {
    assert.equal(refusal('math', long, wasm),
      'math would need a 16384.0 MiB buffer for its scores (B·H·Lq·Lk = 1·16·16384·16384); wasm allows at most 2048.0 MiB per buffer');
  });
  it('lets the fused kernel take the same shape, which holds no scores', () => {
    assert.equal(refusal('fused', long, wasm), null);
  });
  it('refuses work whose buffers together exceed the provider\'s memory', () => {
    const wide = { ...long, shape: { ...long.shape, seqQ: 2 ** 20, seqKv: 2 ** 20, heads: 4, kvHeads: 4, headDim: 128, headDimV: 128 } };
    assert.match(refusal('fused', wide, wasm)!, /fused would need 8192.0 MiB in all; wasm has at most 4096.0 MiB/);
  });
  it('refuses float16 where the provider lacks it, with the provider\'s reason', () => {
    const gpu: ProviderInfo = { ...wasm, name: 'webgpu', refusedDtypes: { float16: "float16 on WebGPU needs the 'shader-f16' feature, which this adapter (google swiftshader) lacks" } };
    assert.equal(refusal('fused', { ...long, dtype: 'float16', shape: { ...long.shape, seqQ: 8, seqKv: 8 } }, gpu),
      "fused on webgpu: float16 on WebGPU needs the 'shader-f16' feature, which this adapter (google swiftshader) lacks");
  });
  it('refuses causal with more queries than keys', () => {
    assert.match(refusal('math', { ...long, causal: true, shape: { ...long.shape, seqQ: 8, seqKv: 4 } }, wasm)!, /cannot be causal with Lq 8 > Lk 4: .* the first 4 query rows see no key/);
  });
});
