import * as assert from 'node:assert/strict';
import type { ProviderName } from '../../runtime/dispatch/capabilities';
import type { Provider, ProviderInfo } from '../../runtime/providers/provider';
import { ProviderRegistry } from '../../runtime/providers/registry';

function fake(name: ProviderName, failure: string | null) {
  const calls = { init: 0, dispose: 0 };
  const provider: Provider = {
    name,
    async init(): Promise<ProviderInfo> {
      calls.init++;
      if (failure) throw new Error(failure);
      return { name, description: `fake ${name}`, maxBufferBytes: 1024, maxTotalBytes: 4096, refusedDtypes: {} };
    },
    ort: () => { throw new Error('not used'); },
    createSession: () => { throw new Error('not used'); },
    async dispose() { calls.dispose++; },
  };
  return { provider, calls };
}

describe('provider registry', () => {
  it('auto picks the highest priority that works and says why the others did not', async () => {
    const r = new ProviderRegistry();
    const gpu = fake('webgpu', 'no WebGPU adapter: none here');
    r.register(fake('wasm', null).provider, 1);
    r.register(gpu.provider, 2);
    const got = await r.resolve('auto');
    assert.equal(got.provider.name, 'wasm');
    assert.equal(got.why, 'auto: webgpu unavailable (no WebGPU adapter: none here); using wasm (fake wasm)');
  });
  it('initialises once and caches the failure', async () => {
    const r = new ProviderRegistry();
    const gpu = fake('webgpu', 'broken');
    r.register(gpu.provider, 2);
    r.register(fake('wasm', null).provider, 1);
    await r.resolve('auto');
    await r.resolve('auto');
    assert.equal(gpu.calls.init, 1);
    assert.equal(await r.failure('webgpu'), 'broken');
  });
  it('throws one combined error only when none works', async () => {
    const r = new ProviderRegistry();
    r.register(fake('webgpu', 'no adapter').provider, 2);
    r.register(fake('wasm', 'no wasm').provider, 1);
    await assert.rejects(r.resolve('auto'), { message: 'no provider works here: webgpu unavailable (no adapter); wasm unavailable (no wasm)' });
  });
  it('gives a requested provider or its reason, never another', async () => {
    const r = new ProviderRegistry();
    r.register(fake('webgpu', 'no adapter').provider, 2);
    r.register(fake('wasm', null).provider, 1);
    await assert.rejects(r.resolve('webgpu'), /webgpu unavailable \(no adapter\)/);
    assert.equal((await r.resolve('wasm')).why, 'wasm requested (fake wasm)');
  });
  it('disposes initialised providers and initialises them again on next use', async () => {
    const r = new ProviderRegistry();
    const wasm = fake('wasm', null);
    r.register(wasm.provider, 1);
    await r.resolve('wasm');
    await r.dispose();
    assert.equal(wasm.calls.dispose, 1);
    await r.resolve('wasm');
    assert.equal(wasm.calls.init, 2);
  });
});
