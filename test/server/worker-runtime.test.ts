import * as assert from 'node:assert/strict';
import { CancellationTokenSource } from 'vscode-languageserver';
import { RuntimeProxy } from '../../runtime/worker/proxy';
import { workerRuntime } from '../../extension/server/worker-runtime';
import type { RuntimeGateway } from '../../extension/server/runtime-gateway';
import type { ServerStatus } from '../../extension/protocol';

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

  it('benchmarks every requested shape on every provider, reporting progress', async () => {
    const steps: string[] = [];
    const rows = await gateway.benchmark({ shapes: [SHAPE, { ...SHAPE, seqQ: 128, seqKv: 128 }], dtype: 'float32', providers: ['wasm'] },
      (done, total, label) => steps.push(`${done}/${total} ${label}`), new CancellationTokenSource().token);
    assert.deepEqual(rows.map((r) => [r.provider, r.shape.seqQ, r.status]), [['wasm', 64, 'ok'], ['wasm', 128, 'ok']]);
    assert.deepEqual(steps, ['1/2 wasm L64', '2/2 wasm L128']);
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
