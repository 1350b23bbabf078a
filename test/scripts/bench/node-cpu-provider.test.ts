import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const PROVIDER = path.resolve(__dirname, '../../../scripts/bench/node-cpu-provider.js');
const MATH = path.resolve(__dirname, '../../../kernels/math.js');

/** Runs `body` in a fresh Node process (the backends register once per process) and returns its stdout. */
function fresh(body: string): string {
  const run = spawnSync(process.execPath, ['-e', body], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim();
}

describe('onnxruntime-node beside onnxruntime-web in one process', () => {
  it('runs its sessions on onnxruntime-node when created before onnxruntime-web loads', function () {
    this.timeout(60_000);
    const handler = fresh(`
      const node = require(${JSON.stringify(PROVIDER)}).nodeCpuProvider(1);
      require('onnxruntime-web');
      const config = { shape: { batch: 1, heads: 1, kvHeads: 1, seqQ: 4, seqKv: 4, headDim: 4, headDimV: 4 }, dtype: 'float32', mask: { kind: 'none' }, causal: false };
      node.provider.createSession(require(${JSON.stringify(MATH)}).MATH.build(config))
        .then((s) => console.log(s.handler.constructor.name));`);
    assert.equal(handler, 'OnnxruntimeSessionHandler');
  });
  it('refuses to start once onnxruntime-web is loaded, whose backend would take its sessions', function () {
    this.timeout(60_000);
    const message = fresh(`
      require('onnxruntime-web');
      try { require(${JSON.stringify(PROVIDER)}).nodeCpuProvider(1); } catch (e) { console.log(e.message); }`);
    assert.equal(message, 'onnxruntime-node must be loaded before onnxruntime-web: create the node CPU provider first');
  });
});
