import * as assert from 'node:assert/strict';
import type { BenchRow } from '../../../runtime/bench/harness';
import { attentionFlops, ceilings, cpuClockGHz, gflopsPerSecond } from '../../../scripts/bench/ceilings';
import { comparisonTable } from '../../../scripts/bench/comparison-table';

const shape = { batch: 1, heads: 8, seq: 1024, kv_seq: 1024, head_dim: 64 };
const row = (kernel: BenchRow['kernel'], median: number | null, extra: Partial<BenchRow> = {}): BenchRow => ({
  kernel, provider: 'wasm', dtype: 'float32', shape, bias: 'none',
  median_ms: median, p10_ms: median, p90_ms: median, rel_error: median === null ? null : 3e-7, ok: median !== null, ...extra,
});

describe('benchmark ceilings', () => {
  it('counts QKᵀ and P·V as 4·B·H·Lq·Lk·D flops', () => {
    assert.equal(attentionFlops(shape), 4 * 8 * 1024 * 1024 * 64);
    assert.equal(attentionFlops({ ...shape, batch: 2, kv_seq: 512 }), 4 * 2 * 8 * 1024 * 512 * 64);
  });
  it('gives GFLOP/s from flops and milliseconds', () => {
    assert.equal(gflopsPerSecond(2e9, 20), 100);
  });
  it('puts SIMD128 at 16 and native at 32 flops per cycle per thread', () => {
    assert.deepEqual(ceilings(2, 2.5), { clockGHz: 2.5, threads: 2, simd128: 80, native: 160 });
  });
  it('reads the clock /proc/cpuinfo reports, or null', () => {
    assert.equal(cpuClockGHz('processor\t: 0\ncpu MHz\t\t: 2596.132\n'), 2.596132);
    assert.equal(cpuClockGHz('processor\t: 0\n'), null);
  });
});

describe('WASM against node table', () => {
  const peak = ceilings(2, 2.5);
  const flops = attentionFlops(shape);
  // 25 GFLOP/s for WASM math: 31 % of SIMD128's 80, 16 % of native's 160.
  const wasmMathMs = flops / 25e6;
  const text = comparisonTable(
    [row('math', wasmMathMs), row('fused', 2 * wasmMathMs, { overhead: 1.012 })],
    [row('math', wasmMathMs / 4), row('fused', wasmMathMs / 5)],
    peak,
  );
  const line = (kernel: string) => text.split('\n').find((l) => l.startsWith(`${kernel} `))!.split(/\s{2,}/);

  it('gives each WASM row its GFLOP/s, shares of the ceilings, node time and ratio', () => {
    assert.deepEqual(line('math'), ['math', 'float32', 'B1 H8 L1024 D64', 'none', wasmMathMs.toPrecision(3), '25.0', '31 %', '16 %', (wasmMathMs / 4).toPrecision(3), '100.0', '4.00×', 'ok']);
    assert.deepEqual(line('fused'), ['fused', 'float32', 'B1 H8 L1024 D64', 'none', (2 * wasmMathMs).toFixed(0), '12.5', '16 %', '8 %', (wasmMathMs / 5).toPrecision(3), '125.0', '10.00×', '1.012', 'ok']);
  });
  it('compares the best WASM kernel with the best node kernel per shape', () => {
    assert.match(text, /B1 H8 L1024 D64 none: 5\.00× \(WASM math \S+ ms, node fused \S+ ms\)/);
  });
  it('states the ceilings it used', () => {
    assert.match(text, /ceilings \(2 threads at 2\.50 GHz\): SIMD128 80 GFLOP\/s, native 160 GFLOP\/s/);
  });
  it('lists a row that was not measured, with its reason, and no ratio', () => {
    const failed = comparisonTable([row('gqa', null, { reason: 'gqa on wasm: is always causal' })], [row('gqa', null, { reason: 'gqa on wasm: is always causal' })], peak);
    assert.match(failed, /^gqa\s+float32\s+B1 H8 L1024 D64\s+none\s+-\s+-\s+-\s+-\s+-\s+-\s+-\s+FAILED \(below\)$/m);
    assert.match(failed, /WASM gqa B1 H8 L1024 D64 none: gqa on wasm: is always causal/);
    assert.match(failed, /B1 H8 L1024 D64 none: -\n/);
  });
});
