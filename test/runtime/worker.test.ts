import * as assert from 'node:assert/strict';
import type { KernelConfig } from '../../kernels/kernel';
import { randomInputs } from '../../kernels/random-inputs';
import { referenceAttention, relativeL2 } from '../../kernels/reference';
import { RuntimeProxy } from '../../runtime';

const config: KernelConfig = { shape: { batch: 1, heads: 2, kvHeads: 2, seqQ: 8, seqKv: 8, headDim: 8, headDimV: 8 }, dtype: 'float32', mask: { kind: 'none' }, causal: false };
const x = randomInputs(config, 21);
const t = (data: Float64Array) => ({ dtype: 'float32' as const, dims: [1, 2, 8, 8], data: Float32Array.from(data) });
const attendVia = (proxy: RuntimeProxy) => proxy.attend(t(x.q), t(x.k), t(x.v), { provider: 'wasm' });

describe('runtime worker', function () {
  this.timeout(60_000);
  const proxies: RuntimeProxy[] = [];
  const make = (timeoutMs?: number) => {
    const p = new RuntimeProxy({ ...(timeoutMs ? { timeoutMs } : {}), env: { providers: ['wasm'] } });
    proxies.push(p);
    return p;
  };
  after(() => Promise.all(proxies.map((p) => p.dispose())));

  it('runs attend in the worker with the same result as the reference', async () => {
    const r = await attendVia(make());
    assert.equal(r.provider, 'wasm');
    assert.ok(relativeL2(r.output.data, referenceAttention(config, x)) < 1e-4);
  });
  it('passes errors back as errors', async () => {
    await assert.rejects(make().attend(t(x.q), { ...t(x.k), dims: [1, 2, 8] }, t(x.v)), /k must have 4 dims/);
  });
  it('fails the job when the worker crashes, and restarts it on the next call', async () => {
    const proxy = make();
    await attendVia(proxy);
    await assert.rejects(proxy.debug('exit'), /debug failed: the runtime worker exited \(code 70\)/);
    const r = await attendVia(proxy);
    assert.ok(relativeL2(r.output.data, referenceAttention(config, x)) < 1e-4);
    assert.equal(proxy.starts, 2);
  });
  it('fails every job of a hung worker after the timeout, and restarts it on the next call', async () => {
    const proxy = make(5000);
    await attendVia(proxy);
    const hang = proxy.debug('hang');
    const queued = attendVia(proxy);
    await assert.rejects(hang, /debug failed: debug timed out after 5000 ms; the worker was terminated/);
    await assert.rejects(queued, /attend failed: debug timed out after 5000 ms/);
    await attendVia(proxy);
    assert.equal(proxy.starts, 2);
  });
});
