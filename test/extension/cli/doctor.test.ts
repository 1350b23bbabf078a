import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { KERNEL_IDS } from '../../../kernels';
import { TOLERANCE } from '../../../runtime';

const BIN = path.resolve(__dirname, '../../../../bin/attnlens.js');

describe('attnlens doctor', function () {
  this.timeout(120_000);

  it('--provider wasm --json: WASM works and every kernel passes parity in both dtypes', () => {
    const r = spawnSync(process.execPath, [BIN, 'doctor', '--provider', 'wasm', '--json'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.providers.length, 1);
    const wasm = report.providers[0];
    assert.deepEqual([wasm.name, wasm.ok], ['wasm', true]);
    assert.deepEqual(wasm.parity.capabilities.map((c: { kernel: string; status: { ok: boolean }; dtypes: string[] }) => [c.kernel, c.status.ok, c.dtypes]),
      KERNEL_IDS.map((k) => [k, true, ['float32', 'float16']]));
    assert.ok(wasm.parity.checks.length >= KERNEL_IDS.length * 2);
    for (const c of wasm.parity.checks) assert.ok(c.ok && c.relError <= TOLERANCE[c.dtype as 'float32' | 'float16'], JSON.stringify(c));
  });

  it('prints the provider, a parity table per kernel, and why WebGPU was not examined', () => {
    const r = spawnSync(process.execPath, [BIN, 'doctor', '--provider', 'wasm'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^WebGPU adapter: none \(not examined \(--provider wasm\)\)\n/);
    assert.match(r.stdout, /\nwasm: works \(WASM, \d threads?\); parity on fresh random inputs \(seed \d+\):\n/);
    for (const kernel of KERNEL_IDS) assert.match(r.stdout, new RegExp(`\\n${kernel} +float32,float16 +\\d\\.\\de-\\d +ok\\n`));
  });

  it('exits 2 on an unknown provider', () => {
    const r = spawnSync(process.execPath, [BIN, 'doctor', '--provider', 'cpu'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--provider: 'cpu' is not one of all, webgpu, wasm/);
  });
});
