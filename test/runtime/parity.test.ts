import * as assert from 'node:assert/strict';
import { KERNEL_IDS } from '../../kernels';
import { sharedRuntime } from './shared-runtime';
import { webgpuReport, type WebGpuReport } from './webgpu-report';

describe('parity on WASM', () => {
  it('every probe of every kernel and dtype matches the float64 reference on wasm', async function () {
    this.timeout(60_000);
    const report = await sharedRuntime().parity('wasm');
    const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.kernel} ${c.config}: ${c.reason}`);
    assert.deepEqual(failed, []);
    assert.deepEqual([...new Set(report.checks.map((c) => c.kernel))], KERNEL_IDS);
    for (const c of report.checks) assert.ok(c.relError <= c.tolerance, `${c.kernel} ${c.config} ${c.relError}`);
  });
  it('declares a capability for each kernel, all working, both float dtypes', async () => {
    const caps = await sharedRuntime().capabilities('wasm');
    assert.deepEqual(caps.map((c) => [c.kernel, c.status.ok, c.dtypes]), KERNEL_IDS.map((k) => [k, true, ['float32', 'float16']]));
    assert.equal(caps.find((c) => c.kernel === 'gqa')!.causalOnly, true);
    assert.equal(caps.find((c) => c.kernel === 'fused')!.groupedHeads, false);
  });
});

// Started when this file loads, so the child's warm-up overlaps the in-process tests.
webgpuReport().catch(() => undefined);

describe('parity on WebGPU (in a child process)', function () {
  let report: Extract<WebGpuReport, { parity: unknown }>;
  before(async function () {
    this.timeout(240_000);
    const r = await webgpuReport();
    if ('error' in r) throw new Error(`WebGPU child failed: ${r.error}`);
    if ('failure' in r) {
      console.log(`      WebGPU tests skipped: ${r.failure}`);
      this.skip();
    }
    report = r;
  });
  it('every probe of every kernel and dtype matches the float64 reference on webgpu', () => {
    const failed = report.parity.checks.filter((c) => !c.ok).map((c) => `${c.kernel} ${c.config}: ${c.reason}`);
    assert.deepEqual(failed, []);
    assert.deepEqual([...new Set(report.parity.checks.map((c) => c.kernel))], ['math', 'fused', 'gqa']);
    for (const c of report.parity.checks) assert.ok(c.relError <= c.tolerance, `${c.kernel} ${c.config} ${c.relError}`);
  });
  it('declares ONNX Attention unavailable on WebGPU and float16 refused without shader-f16', () => {
    const caps = report.parity.capabilities;
    assert.equal(caps.find((c) => c.kernel === 'onnx-attention')!.status.ok, false);
    const adapter = report.adapter.webgpu!.adapter;
    for (const c of caps.filter((c) => c.status.ok)) {
      assert.equal(c.dtypes.includes('float16'), adapter.shaderF16);
      if (!adapter.shaderF16) assert.match(c.refusedDtypes!.float16!, /needs the 'shader-f16' feature/);
    }
  });
  it('creates the device without subgroups where they are narrower than 8 lanes, and says why', () => {
    const state = report.adapter.webgpu!;
    if (state.adapter.subgroupMinSize !== null && state.adapter.subgroupMinSize < 8) {
      assert.equal(state.subgroups.use, false);
      assert.match(state.subgroups.reason, /subgroups dropped: .* needs at least 8/);
    }
    console.log(`      adapter: ${state.adapter.vendor} ${state.adapter.architecture}, subgroups ${state.adapter.subgroupMinSize}–${state.adapter.subgroupMaxSize} lanes: ${state.subgroups.reason}`);
  });
});
