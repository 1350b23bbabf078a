import * as assert from 'node:assert/strict';
import { KERNEL_IDS } from '../../kernels';
import type { ProviderName } from '../../runtime/dispatch/capabilities';
import { sharedRuntime } from './shared-runtime';

function parityTests(provider: ProviderName, expectedKernels: string[]) {
  it(`every probe of every kernel and dtype matches the float64 reference on ${provider}`, async function () {
    this.timeout(180_000);
    const report = await sharedRuntime().parity(provider);
    const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.kernel} ${c.config}: ${c.reason}`);
    assert.deepEqual(failed, []);
    assert.deepEqual([...new Set(report.checks.map((c) => c.kernel))], expectedKernels);
    for (const c of report.checks) assert.ok(c.relError <= c.tolerance, `${c.kernel} ${c.config} ${c.relError}`);
  });
}

describe('parity on WASM', () => {
  parityTests('wasm', [...KERNEL_IDS]);
  it('declares a capability for each kernel, all working, both float dtypes', async () => {
    const caps = await sharedRuntime().capabilities('wasm');
    assert.deepEqual(caps.map((c) => [c.kernel, c.status.ok, c.dtypes]), KERNEL_IDS.map((k) => [k, true, ['float32', 'float16']]));
    assert.equal(caps.find((c) => c.kernel === 'gqa')!.causalOnly, true);
    assert.equal(caps.find((c) => c.kernel === 'fused')!.groupedHeads, false);
  });
});

describe('parity on WebGPU', function () {
  before(async function () {
    this.timeout(120_000);
    const failure = await sharedRuntime().registry.failure('webgpu');
    if (failure) {
      console.log(`      WebGPU tests skipped: ${failure}`);
      this.skip();
    }
  });
  parityTests('webgpu', ['math', 'fused', 'gqa']);
  it('declares ONNX Attention unavailable on WebGPU and float16 refused without shader-f16', async () => {
    const runtime = sharedRuntime();
    const caps = await runtime.capabilities('webgpu');
    const onnx = caps.find((c) => c.kernel === 'onnx-attention')!;
    assert.equal(onnx.status.ok, false);
    const adapter = (await runtime.adapter()).webgpu!.adapter;
    for (const c of caps.filter((c) => c.status.ok)) {
      assert.equal(c.dtypes.includes('float16'), adapter.shaderF16);
      if (!adapter.shaderF16) assert.match(c.refusedDtypes!.float16!, /needs the 'shader-f16' feature/);
    }
  });
  it('creates the device without subgroups where they are narrower than 8 lanes, and says why', async () => {
    const state = (await sharedRuntime().adapter()).webgpu!;
    if (state.adapter.subgroupMinSize !== null && state.adapter.subgroupMinSize < 8) {
      assert.equal(state.subgroups.use, false);
      assert.match(state.subgroups.reason, /subgroups dropped: .* needs at least 8/);
    }
    console.log(`      adapter: ${state.adapter.vendor} ${state.adapter.architecture}, subgroups ${state.adapter.subgroupMinSize}–${state.adapter.subgroupMaxSize} lanes: ${state.subgroups.reason}`);
  });
});
