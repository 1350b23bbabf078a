/**
 * Which onnxruntime-web build the WASM provider runs on decides what a package must carry
 * (.vscodeignore ships the WebGPU bundle and its one WASM build only): checked here in a child
 * process, so no other test's require() of onnxruntime-web counts.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const RUNTIME = path.resolve(__dirname, '../../runtime');

describe('onnxruntime-web as the providers load it', () => {
  it('runs the WASM provider on the WebGPU bundle, and loads no other onnxruntime-web entry', () => {
    const script = `
      const { wasmProvider } = require(${JSON.stringify(path.join(RUNTIME, 'providers/wasm'))});
      const { defaultEnv } = require(${JSON.stringify(path.join(RUNTIME, 'env'))});
      const provider = wasmProvider(defaultEnv(2));
      provider.init().then((info) => {
        const loaded = Object.keys(require.cache).filter((f) => /[\\\\/]onnxruntime-web[\\\\/]dist[\\\\/]/.test(f)).map((f) => require('path').basename(f));
        console.log(JSON.stringify({ same: provider.ort() === require('onnxruntime-web/webgpu'), loaded, description: info.description }));
      });`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    assert.deepEqual(out, { same: true, loaded: ['ort.webgpu.min.js'], description: 'WASM, 2 threads' });
  });
});
