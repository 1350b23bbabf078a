import * as assert from 'node:assert/strict';
import { CancellationTokenSource } from 'vscode-languageserver';
import { RuntimeProxy } from '../../runtime/worker/proxy';
import type { BenchRow } from '../../runtime/bench/harness';
import { workerRuntime, type RuntimeWorker } from '../../extension/server/worker-runtime';
import type { RuntimeGateway } from '../../extension/server/runtime-gateway';
import type { BenchmarkRow, ServerStatus } from '../../extension/protocol';

const SHAPE = { batch: 1, heads: 4, kvHeads: 4, seqQ: 64, seqKv: 64, headDim: 32 };

/** The gateway over the real runtime worker, measuring on WASM (no GPU, no WebGPU warm-up). */
describe('server/worker-runtime (real runtime worker, WASM)', function () {
  this.timeout(120000);
  let gateway: RuntimeGateway;
  const statuses: ServerStatus[] = [];
  before(() => {
    gateway = workerRuntime(new RuntimeProxy());
    gateway.onStatus((s) => statuses.push(s));
  });
  after(() => gateway.dispose());

  it('measures a call: median and spread of timed runs, the kernel the runtime chose, its parity', async () => {
    const row = await gateway.measure({ shape: SHAPE, dtype: 'float32', causal: true, bias: false, providers: ['wasm'] }, new CancellationTokenSource().token);
    assert.equal(row.provider, 'wasm');
    assert.equal(row.status, 'ok');
    assert.deepEqual(row.shape, SHAPE);
    assert.ok(['math', 'fused', 'gqa'].includes(row.kernel), row.kernel);
    assert.ok(row.medianMs! > 0 && row.spreadMs! >= 0);
    assert.ok(row.relError! < 1e-4, `parity ${row.relError} within the float32 tolerance`);
    assert.equal(statuses.at(-1)?.runtime, 'ready');
    assert.equal(gateway.status().runtime, 'ready');
  });

  it('benchmarks every kernel on every requested shape and provider through the harness, reporting progress', async () => {
    const steps: string[] = [];
    const rows = await gateway.benchmark({ shapes: [SHAPE, { ...SHAPE, seqQ: 128, seqKv: 128 }], dtype: 'float32', mask: 'none', providers: ['wasm'] },
      (done, total, label) => steps.push(`${done}/${total} ${label}`), new CancellationTokenSource().token);
    const GQA_REFUSED = 'gqa on wasm: is always causal (call it with causal=true)';
    assert.deepEqual(rows.map((r) => `${r.kernel} ${r.provider} L${r.shape.seqQ} ${r.status}${r.reason ? `: ${r.reason}` : ''}`), [
      'math wasm L64 ok', 'fused wasm L64 ok', `gqa wasm L64 skipped: ${GQA_REFUSED}`, 'onnx-attention wasm L64 ok',
      'math wasm L128 ok', 'fused wasm L128 ok', `gqa wasm L128 skipped: ${GQA_REFUSED}`, 'onnx-attention wasm L128 ok',
    ]);
    for (const r of rows.filter((x) => x.status === 'ok')) {
      assert.ok(r.medianMs! > 0 && r.spreadMs! >= 0 && r.relError! < 1e-4, `${r.kernel} L${r.shape.seqQ}: ${r.medianMs} ms, spread ${r.spreadMs}, parity ${r.relError}`);
    }
    assert.deepEqual(steps, [
      '1/8 math · wasm L64', '2/8 fused · wasm L64', '3/8 gqa · wasm L64', '4/8 onnx-attention · wasm L64',
      '5/8 math · wasm L128', '6/8 fused · wasm L128', '7/8 gqa · wasm L128', '8/8 onnx-attention · wasm L128',
    ]);
  });

  it('benchmarks with the mask asked for: causal runs gqa too, a float bias is refused where a kernel takes none', async () => {
    const token = new CancellationTokenSource().token;
    const line = (r: BenchmarkRow): string => `${r.kernel} ${r.status}${r.reason ? `: ${r.reason}` : ''}`;
    const causal = await gateway.benchmark({ shapes: [SHAPE], dtype: 'float32', mask: 'causal', providers: ['wasm'] }, () => undefined, token);
    assert.deepEqual(causal.map(line), ['math ok', 'fused ok', 'gqa ok', 'onnx-attention ok']);
    const bias = await gateway.benchmark({ shapes: [SHAPE], dtype: 'float32', mask: 'float', providers: ['wasm'] }, () => undefined, token);
    assert.deepEqual(bias.map((r) => r.kernel), ['math', 'fused', 'gqa', 'onnx-attention']);
    assert.equal(bias.find((r) => r.kernel === 'gqa')?.status, 'skipped');
  });

  it('benchmarks the shape as the harness ran it: multi-head, k and v with q\'s heads', async () => {
    const rows = await gateway.benchmark({ shapes: [{ ...SHAPE, kvHeads: 2 }], dtype: 'float32', mask: 'none', providers: ['wasm'] }, () => undefined, new CancellationTokenSource().token);
    assert.deepEqual([...new Set(rows.map((r) => JSON.stringify(r.shape)))], [JSON.stringify(SHAPE)]);
  });

  it('stops a cancelled measurement', async () => {
    const cancel = new CancellationTokenSource();
    cancel.cancel();
    await assert.rejects(gateway.measure({ shape: SHAPE, dtype: 'float32', causal: false, bias: false, providers: ['wasm'] }, cancel.token), /cancelled/);
  });

  it('reports the provider and the parity of each kernel on it', async () => {
    const report = await gateway.report(['wasm'], new CancellationTokenSource().token);
    assert.deepEqual(report.providers, [{ name: 'wasm', available: true, detail: 'WASM (CPU)' }]);
    const wasm = report.kernels.filter((k) => k.provider === 'wasm');
    assert.ok(wasm.length > 0 && wasm.every((k) => k.ok && k.relError !== null && k.relError <= k.tolerance));
  });
});

/** Harness rows that did not measure, as the benchmark table shows them (a worker that answers as given). */
describe('server/worker-runtime benchmark rows', () => {
  const row = (kernel: BenchRow['kernel'], over: Partial<BenchRow>): BenchRow => ({
    kernel, provider: 'wasm', dtype: 'float16', shape: { batch: 1, heads: 4, seq: 64, kv_seq: 64, head_dim: 32 }, bias: 'none',
    median_ms: null, p10_ms: null, p90_ms: null, rel_error: null, ok: false, ...over,
  });
  const answers: Record<string, BenchRow | Error> = {
    math: row('math', { ok: true, median_ms: 2, p10_ms: 1.5, p90_ms: 2.75, rel_error: 1e-4 }),
    fused: row('fused', { rel_error: 0.5, reason: 'parity failed: relative L2 error 0.50 > 0.002 against the float64 reference' }),
    gqa: row('gqa', { reason: 'gqa on wasm: is always causal' }),
    'onnx-attention': new Error('bench failed: the runtime worker exited (code 70)'),
  };
  const worker: RuntimeWorker = {
    attend: () => Promise.reject(new Error('not used')),
    parity: () => Promise.reject(new Error('not used')),
    adapter: async () => ({ webgpu: null, reason: 'no WebGPU adapter found' }),
    bench: async (provider, cases) => {
      const answer = answers[cases[0]!.kernel]!;
      if (answer instanceof Error) throw answer;
      return { provider, adapter: { name: 'WASM' }, results: [answer] };
    },
    dispose: async () => undefined,
  };

  it('shows parity failures as broken, refusals and worker failures as skipped with the reason, and WebGPU without an adapter as skipped', async () => {
    const rows = await workerRuntime(worker).benchmark({ shapes: [SHAPE], dtype: 'float16', mask: 'none', providers: ['wasm', 'webgpu'] }, () => undefined, new CancellationTokenSource().token);
    assert.deepEqual(rows.map((r) => [r.kernel, r.provider, r.status, r.medianMs, r.spreadMs, r.relError, r.reason]), [
      ['math', 'wasm', 'ok', 2, 1.25, 1e-4, undefined],
      ['fused', 'wasm', 'broken', null, null, 0.5, 'parity failed: relative L2 error 0.50 > 0.002 against the float64 reference'],
      ['gqa', 'wasm', 'skipped', null, null, null, 'gqa on wasm: is always causal'],
      ['onnx-attention', 'wasm', 'skipped', null, null, null, 'bench failed: the runtime worker exited (code 70)'],
      ...['math', 'fused', 'gqa', 'onnx-attention'].map((k) => [k, 'webgpu', 'skipped', null, null, null, 'webgpu: no WebGPU adapter found']),
    ]);
  });
});
