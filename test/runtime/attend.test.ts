import * as assert from 'node:assert/strict';
import { toHalfBits } from '../../kernels/half';
import type { KernelConfig } from '../../kernels/kernel';
import { randomInputs, roundTo } from '../../kernels/random-inputs';
import { referenceAttention, relativeL2 } from '../../kernels/reference';
import { Runtime, type AttendTensor } from '../../runtime';
import { defaultEnv } from '../../runtime/env';
import type { Provider } from '../../runtime/providers/provider';
import { ProviderRegistry } from '../../runtime/providers/registry';
import { wasmProvider } from '../../runtime/providers/wasm';
import { sharedRuntime } from './shared-runtime';

const f32 = (dims: number[], data?: ArrayLike<number>): AttendTensor =>
  ({ dtype: 'float32', dims, data: data ? Float32Array.from(data) : new Float32Array(dims.reduce((a, b) => a * b, 1)) });

describe('attend: validation at the boundary', () => {
  const q = f32([2, 4, 8, 16]);
  const k = f32([2, 2, 8, 16]);
  const v = f32([2, 2, 8, 16]);
  const rows: [string, () => Promise<unknown>, RegExp][] = [
    ['3-d q', () => sharedRuntime().attend(f32([2, 8, 16]), k, v), /q must have 4 dims \[batch, heads, seq, head_dim\], got \[2,8,16\]/],
    ['batch mismatch', () => sharedRuntime().attend(q, f32([3, 2, 8, 16]), v), /batch differs: k.dims\[0\] is 3, q.dims\[0\] is 2/],
    ['head dim mismatch', () => sharedRuntime().attend(q, f32([2, 2, 8, 32]), v), /head_dim differs: k.dims\[3\] is 32, q.dims\[3\] is 16/],
    ['heads not a multiple', () => sharedRuntime().attend(q, f32([2, 3, 8, 16]), f32([2, 3, 8, 16])), /q's heads \(q.dims\[1\] = 4\) must be a multiple of k's heads \(k.dims\[1\] = 3\)/],
    ['v length mismatch', () => sharedRuntime().attend(q, k, f32([2, 2, 9, 16])), /kv seq differs: v.dims\[2\] is 9, k.dims\[2\] is 8/],
    ['zero dim', () => sharedRuntime().attend(f32([2, 4, 0, 16]), k, v), /q.dims\[2\] \(seq\) must be a positive integer, got 0/],
    ['data of the wrong type', () => sharedRuntime().attend({ ...q, data: new Float64Array(q.data.length) }, k, v), /q is float32, so its data must be a Float32Array, got Float64Array/],
    ['data too short', () => sharedRuntime().attend({ ...q, data: new Float32Array(3) }, k, v), /q.data has 3 elements; dims \[2,4,8,16\] need 1024/],
    ['bfloat16', () => sharedRuntime().attend({ ...q, dtype: 'bfloat16' }, k, v), /bfloat16 is not supported by the runtime/],
    ['mask of the wrong size', () => sharedRuntime().attend(q, k, v, { mask: { kind: 'bool', dims: [2, 1, 8, 7], data: new Uint8Array(112) } }), /mask key length differs: options.mask.dims\[3\] is 7, k.dims\[2\] is 8/],
    ['mask heads', () => sharedRuntime().attend(q, k, v, { mask: { kind: 'float', tensor: f32([2, 2, 8, 8]) } }), /options.mask.dims\[1\] \(heads\) must be 1 or 4, got 2/],
  ];
  for (const [name, call, message] of rows) it(`refuses ${name}`, () => assert.rejects(call(), message));
});

describe('attend: runs the policy\'s kernel on WASM', () => {
  function tensors(c: KernelConfig, seed: number) {
    const x = randomInputs(c, seed);
    const s = c.shape;
    return {
      x,
      q: f32([s.batch, s.heads, s.seqQ, s.headDim], x.q),
      k: f32([s.batch, s.kvHeads, s.seqKv, s.headDim], x.k),
      v: f32([s.batch, s.kvHeads, s.seqKv, s.headDimV], x.v),
    };
  }
  const mha: KernelConfig = { shape: { batch: 1, heads: 4, kvHeads: 4, seqQ: 16, seqKv: 16, headDim: 8, headDimV: 8 }, dtype: 'float32', mask: { kind: 'float', batch: 1, heads: 1 }, causal: true };

  it('matches the reference, reports the decision, latency and provider', async function () {
    this.timeout(60_000);
    const { x, q, k, v } = tensors(mha, 11);
    const r = await sharedRuntime().attend(q, k, v, { mask: { kind: 'float', tensor: f32([1, 1, 16, 16], x.mask) }, causal: true, provider: 'wasm' });
    assert.equal(r.decision.outcome, 'runs');
    assert.equal(r.decision.backend, `web.${r.kernel}`);
    assert.equal(r.kernel, 'fused');
    assert.equal(r.provider, 'wasm');
    assert.ok(r.latencyMs > 0);
    assert.deepEqual(r.output.dims, [1, 4, 16, 8]);
    assert.ok(relativeL2(r.output.data, referenceAttention(mha, x)) < 1e-4);
  });
  it('runs grouped heads on gqa when causal, and on math otherwise', async function () {
    this.timeout(60_000);
    const grouped: KernelConfig = { shape: { batch: 1, heads: 4, kvHeads: 2, seqQ: 1, seqKv: 24, headDim: 8, headDimV: 8 }, dtype: 'float32', mask: { kind: 'none' }, causal: true };
    const { x, q, k, v } = tensors(grouped, 12);
    const causal = await sharedRuntime().attend(q, k, v, { causal: true, provider: 'wasm' });
    assert.equal(causal.kernel, 'gqa');
    assert.ok(relativeL2(causal.output.data, referenceAttention(grouped, x)) < 1e-4);
    const plain = await sharedRuntime().attend(q, k, v, { provider: 'wasm' });
    assert.notEqual(plain.kernel, 'gqa');
    assert.ok(relativeL2(plain.output.data, referenceAttention({ ...grouped, causal: false }, x)) < 1e-4);
  });
  it('refuses mixed dtypes with the policy\'s reason, and converts only when asked, with a warning', async function () {
    this.timeout(60_000);
    const { x, q, k } = tensors(mha, 13);
    const v16: AttendTensor = { dtype: 'float16', dims: [1, 4, 16, 8], data: Uint16Array.from(x.v, toHalfBits) };
    await assert.rejects(sharedRuntime().attend(q, k, v16, { provider: 'wasm' }), /q, k and v must have one dtype, got q: float32, k: float32, v: float16/);
    const r = await sharedRuntime().attend(q, k, v16, { provider: 'wasm', dtype: 'float32' });
    assert.deepEqual(r.warnings, ['v converted from float16 to float32 (options.dtype)']);
    const asConverted = { ...x, v: x.v.map((e) => roundTo('float16', e)) };
    assert.ok(relativeL2(r.output.data, referenceAttention({ ...mha, mask: { kind: 'none' }, causal: false }, asConverted)) < 1e-4);
  });
  it('decides once per call signature: a repeated call reuses the decision, another signature decides again', async function () {
    this.timeout(60_000);
    const { x, q, k, v } = tensors(mha, 15);
    const mask = { kind: 'float', tensor: f32([1, 1, 16, 16], x.mask) } as const;
    const first = await sharedRuntime().attend(q, k, v, { mask, causal: true, provider: 'wasm' });
    const again = await sharedRuntime().attend(q, k, v, { mask, causal: true, provider: 'wasm' });
    assert.equal(again.decision, first.decision);
    assert.deepEqual(again.output.data, first.output.data);
    const notCausal = await sharedRuntime().attend(q, k, v, { mask, provider: 'wasm' });
    assert.notEqual(notCausal.decision, first.decision);
    assert.ok(relativeL2(notCausal.output.data, referenceAttention({ ...mha, causal: false }, x)) < 1e-4);
  });
  it('says dropout is not implemented and measures without it', async () => {
    const { q, k, v } = tensors(mha, 14);
    const r = await sharedRuntime().attend(q, k, v, { provider: 'wasm', dropout: 0.1 });
    assert.ok(r.warnings.some((w) => /dropout 0.1 is not implemented by the runtime/.test(w)), r.warnings.join('\n'));
  });
});

describe('attend: a dtype the provider refuses', () => {
  it('fails with the provider\'s reason and computes nothing in another dtype', async function () {
    this.timeout(60_000);
    // A provider named webgpu that lacks float16, running on WASM underneath: no GPU needed.
    const env = defaultEnv(1);
    const wasm = wasmProvider(env);
    const noF16: Provider = {
      ...wasm,
      name: 'webgpu',
      init: async () => ({ ...(await wasm.init()), name: 'webgpu', refusedDtypes: { float16: "float16 on WebGPU needs the 'shader-f16' feature, which this adapter (test) lacks" } }),
    };
    const registry = new ProviderRegistry();
    registry.register(noF16, 1);
    const runtime = new Runtime(env, registry, () => null);
    const half: AttendTensor = { dtype: 'float16', dims: [1, 2, 4, 8], data: new Uint16Array(64) };
    await assert.rejects(runtime.attend(half, half, half, { provider: 'webgpu' }), /float16: float16 on WebGPU needs the 'shader-f16' feature, which this adapter \(test\) lacks/);
    await runtime.dispose();
  });
});
