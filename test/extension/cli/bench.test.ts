import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { availableParallelism } from 'node:os';
import { UsageError } from '../../../extension/cli/args';
import { MAX_THREADS, parseBenchArgs } from '../../../extension/cli/bench';
import { TOLERANCE } from '../../../runtime';

const BIN = path.resolve(__dirname, '../../../../bin/attnlens.js');
const SMALL = ['--provider', 'wasm', '--batch', '1', '--heads', '2', '--head-dim', '16', '--quick'];
const ROW_KEYS = ['bias', 'dtype', 'kernel', 'median_ms', 'ok', 'p10_ms', 'p90_ms', 'provider', 'rel_error', 'shape'];

function attnlens(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
}

describe('attnlens bench', function () {
  this.timeout(120_000);

  it('--json: one row per kernel and swept shape, parity under tolerance, a refused kernel as ok:false with its reason', () => {
    const r = attnlens(['bench', ...SMALL, '--kernels', 'math,fused,gqa', '--sweep', 'seq=16,48', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(report).sort(), ['adapter', 'provider', 'results']);
    assert.equal(report.provider, 'wasm');
    assert.match(report.adapter.name, /^WASM, \d+ threads?$/);
    assert.deepEqual(report.results.map((x: { kernel: string; shape: { seq: number } }) => [x.kernel, x.shape.seq]),
      [['math', 16], ['fused', 16], ['gqa', 16], ['math', 48], ['fused', 48], ['gqa', 48]]);
    for (const row of report.results) {
      assert.deepEqual(row.shape, { batch: 1, heads: 2, seq: row.shape.seq, kv_seq: row.shape.seq, head_dim: 16 });
      assert.equal(row.provider, 'wasm');
      assert.equal(row.dtype, 'float32');
      assert.equal(row.bias, 'none');
      if (row.kernel === 'gqa') {
        assert.deepEqual(Object.keys(row).sort(), [...ROW_KEYS, 'reason'].sort());
        assert.equal(row.ok, false);
        assert.match(row.reason, /always causal/);
        assert.deepEqual([row.median_ms, row.p10_ms, row.p90_ms, row.rel_error], [null, null, null, null]);
      } else {
        assert.equal(row.ok, true, row.reason);
        assert.ok(row.rel_error <= TOLERANCE.float32, `${row.kernel}: ${row.rel_error}`);
        assert.ok(row.p10_ms > 0 && row.p10_ms <= row.median_ms && row.median_ms <= row.p90_ms, JSON.stringify(row));
      }
    }
    // The web policy runs one of the two kernels; its rows carry the overhead ratio.
    const withOverhead = report.results.filter((x: { overhead?: number }) => x.overhead !== undefined);
    assert.equal(withOverhead.length, 2);
    for (const row of withOverhead) assert.ok(row.overhead > 0, JSON.stringify(row));
  });

  it('float16 with a float bias and a cross-length causal decode pass parity at the float16 tolerance', () => {
    const bias = JSON.parse(attnlens(['bench', ...SMALL, '--dtype', 'float16', '--bias', 'float', '--seq', '32', '--kernels', 'math,fused', '--json']).stdout);
    const decode = JSON.parse(attnlens(['bench', ...SMALL, '--bias', 'causal', '--seq', '1', '--kv-seq', '40', '--kernels', 'math,gqa', '--json']).stdout);
    for (const row of [...bias.results, ...decode.results]) {
      assert.equal(row.ok, true, `${row.kernel} ${row.bias}: ${row.reason}`);
      assert.ok(row.rel_error <= TOLERANCE[row.dtype as 'float32' | 'float16'], `${row.kernel}: ${row.rel_error}`);
    }
    assert.deepEqual(decode.results[0].shape, { batch: 1, heads: 2, seq: 1, kv_seq: 40, head_dim: 16 });
  });

  it('prints a table with a status column and the refusal reasons below it', () => {
    const r = attnlens(['bench', ...SMALL, '--seq', '16', '--kernels', 'math,gqa']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^provider: wasm requested \(WASM, \d threads?\)\n/);
    assert.match(r.stdout, /\nmath +float32 +B1 H2 L16 D16 +none .* ok\n/);
    assert.match(r.stdout, /\nnot measured:\n {2}gqa B1 H2 L16 D16 none: .*always causal/);
  });

  for (const [args, message] of [
    [['--heads', '0'], /--heads: '0' is not a positive integer/],
    [['--seq', '12x'], /--seq: '12x' is not a positive integer/],
    [['--provider', 'cuda'], /--provider: 'cuda' is not one of auto, webgpu, wasm/],
    [['--kernels', 'math,flash'], /--kernels: 'flash' is not one of math, fused, gqa, onnx-attention/],
    [['--bias', 'alibi'], /--bias: 'alibi' is not one of none, float, bool, causal/],
    [['--sweep', 'seq'], /--sweep must look like dim=v1,v2/],
    [['--sweep', 'len=1,2'], /--sweep: 'len' is not one of batch, heads, seq, kv-seq, head-dim/],
    [['--frobnicate'], /^attnlens bench: unknown option '--frobnicate'\n/],
    [['--thread', '2'], /^attnlens bench: unknown option '--thread' \(did you mean --threads\?\)\n/],
    [['--kernels', ','], /--kernels names nothing/],
    [['model.py'], /takes no file or other argument, got 'model.py'/],
    [['--threads', '2', '--provider', 'webgpu'], /--threads sets WASM threads/],
    [['--threads', '10000'], /^attnlens bench: --threads: 10000 is more than \d+ \(4 × the \d+ cores here\)\n$/],
  ] as const) {
    it(`exits 2 naming the bad flag: ${args.join(' ')}`, () => {
      const r = attnlens(['bench', ...args]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /^attnlens bench: /);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    });
  }
});

describe('bench flags', () => {
  it('defaults to B1 H8 L256 D64 float32, math and fused, no bias, on auto', () => {
    const o = parseBenchArgs([]);
    assert.deepEqual(o.request.shape, { batch: 1, heads: 8, seq: 256, kv_seq: 256, head_dim: 64 });
    assert.deepEqual([o.request.provider, o.request.kernels, o.request.dtype, o.request.bias, o.json, o.threads], ['auto', ['math', 'fused'], 'float32', 'none', false, undefined]);
  });
  it('reads a kv-seq sweep and the WASM thread count', () => {
    const o = parseBenchArgs(['--sweep', 'kv-seq=64,128', '--threads', '1', '--provider', 'wasm']);
    assert.deepEqual(o.request.sweep, { dim: 'kv_seq', values: [64, 128] });
    assert.equal(o.threads, 1);
  });
  it('takes up to 4 × the cores in WASM threads and refuses more, naming the limit', () => {
    assert.equal(MAX_THREADS, 4 * availableParallelism());
    assert.equal(parseBenchArgs(['--threads', String(MAX_THREADS)]).threads, MAX_THREADS);
    assert.throws(() => parseBenchArgs(['--threads', String(MAX_THREADS + 1)]), (err: unknown) => err instanceof UsageError
      && err.message === `--threads: ${MAX_THREADS + 1} is more than ${MAX_THREADS} (4 × the ${availableParallelism()} cores here)`);
  });
});
