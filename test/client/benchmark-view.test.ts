import * as assert from 'node:assert/strict';
import { benchmarkTitle, benchmarkView, plotData, shapesPhrase, shortReason, unavailableProviders } from '../../extension/client/benchmark-view';
import type { BenchmarkRow, BenchShape } from '../../extension/protocol';

const shape = (batch: number, seqQ: number, seqKv = seqQ, heads = 8, kvHeads = heads): BenchShape => ({ batch, heads, kvHeads, seqQ, seqKv, headDim: 64 });
const ok = (kernel: string, s: BenchShape, medianMs: number, provider: 'wasm' | 'webgpu' = 'wasm'): BenchmarkRow => ({
  kernel, provider, adapter: provider === 'wasm' ? 'WASM, 2 threads' : 'NVIDIA RTX 3060', dtype: 'float32', shape: s, status: 'ok', medianMs, spreadMs: 0.25, relError: 2e-7,
});
const NO_ADAPTER = 'webgpu: no WebGPU adapter: Dawn found no Vulkan, Metal or D3D12 device (VK_ERROR_INCOMPATIBLE_DRIVER from vkCreateInstance); '
  + 'install a Vulkan driver or set attnlens.providers to ["wasm"] to stop trying';
const skipped = (kernel: string, s: BenchShape, reason: string, provider: 'wasm' | 'webgpu' = 'webgpu'): BenchmarkRow => ({
  kernel, provider, adapter: 'none', dtype: 'float32', shape: s, status: 'skipped', medianMs: null, spreadMs: null, relError: null, reason,
});

describe('client/benchmark-view', () => {
  it('collapses a provider that measured nothing into one line above the table, its full reason as the tooltip', () => {
    const rows = [
      ok('math', shape(1, 128), 1.5), skipped('gqa', shape(1, 128), 'gqa on wasm: is always causal (call it with causal=true)', 'wasm'),
      skipped('math', shape(1, 128), NO_ADAPTER), skipped('gqa', shape(1, 128), NO_ADAPTER),
    ];
    const view = benchmarkView({ rows, cancelled: false });
    assert.deepEqual(view.unavailable, {
      text: 'Not measured on webgpu (no WebGPU adapter: Dawn found no Vulkan, Metal or D3D12 device…)',
      detail: `webgpu: ${NO_ADAPTER.slice('webgpu: '.length)}`,
    });
    // A kernel the provider refuses stays a row: the provider itself ran.
    assert.deepEqual(view.rows, [
      { status: 'ok', cells: ['math', 'wasm', 'WASM, 2 threads', 'float32', 'B1 H8 Lq128 Lkv128 D64', 'ok', '1.500', '0.250', '2.0e-7'] },
      { status: 'skipped', cells: ['gqa', 'wasm', 'none', 'float32', 'B1 H8 Lq128 Lkv128 D64', 'skipped: gqa on wasm: is always causal (call it with causal=true)', '—', '—', '—'] },
    ]);
    assert.equal(view.notice, null);
  });

  it('names each unavailable provider once; several reasons of one provider are counted', () => {
    const rows = [skipped('math', shape(1, 128), 'webgpu: lost the device'), skipped('gqa', shape(1, 128), 'webgpu: out of memory'), skipped('math', shape(1, 128), 'no threads', 'wasm')];
    assert.deepEqual(unavailableProviders(rows), [
      { provider: 'webgpu', reason: 'every run was skipped, for 2 different reasons' },
      { provider: 'wasm', reason: 'no threads' },
    ]);
    const view = benchmarkView({ rows, cancelled: false });
    assert.equal(view.unavailable!.text, 'Not measured on webgpu (every run was skipped, for 2 different reasons), wasm (no threads)');
    assert.deepEqual(view.rows, []);
    assert.deepEqual(view.plot, { xLabel: 'sequence length', xs: [], series: [] });
  });

  it('shortens a reason to its first line, at a word, within 80 characters', () => {
    assert.equal(shortReason('short\nsecond line'), 'short');
    assert.equal(shortReason('x'.repeat(100)), `${'x'.repeat(80)}…`);
    assert.equal(shortReason(`${'word '.repeat(15)}and, then more words past the limit`), `${'word '.repeat(15)}and…`);
  });

  it('says a cancelled run was cancelled, with how many runs finished', () => {
    assert.equal(benchmarkView({ rows: [ok('math', shape(1, 128), 1)], cancelled: true }).notice, 'Cancelled: showing the 1 run that finished first.');
    assert.equal(benchmarkView({ rows: [ok('math', shape(1, 128), 1), ok('fused', shape(1, 128), 1)], cancelled: true }).notice, 'Cancelled: showing the 2 runs that finished first.');
    assert.equal(benchmarkView({ rows: [], cancelled: true }).notice, 'Cancelled before any run finished.');
  });

  it('titles a call\'s benchmark with the call, its place and its shape', () => {
    const rows = [ok('math', shape(2, 1024), 4), ok('fused', shape(2, 1024), 2)];
    const call = { api: 'F.scaled_dot_product_attention', function: 'SelfAttention.forward', line: 42 };
    assert.equal(benchmarkTitle({ rows, cancelled: false, call: { call, file: 'model.py' } }),
      'Benchmark: F.scaled_dot_product_attention in SelfAttention.forward (model.py:42) · B2 H8 L1024 D64');
    assert.equal(benchmarkTitle({ rows: [], cancelled: false, call: { call: { api: 'flash_attn_func', function: null, line: 3, cell: 2 }, file: 'train.ipynb' } }),
      'Benchmark: flash_attn_func (train.ipynb, cell 2, line 3)');
  });

  it('titles other runs with their shapes, each series once', () => {
    const sweep = [128, 256, 512].flatMap((l) => [ok('math', shape(1, l), 1), ok('fused', shape(1, l), 1)]);
    assert.equal(benchmarkTitle({ rows: sweep, cancelled: false }), 'Benchmark: B1 H8 D64 at L 128, 256, 512');
    assert.equal(shapesPhrase([shape(1, 256), shape(2, 256), shape(1, 1024)]), 'B1 H8 D64 at L 256, 1024; B2 H8 L256 D64');
    assert.equal(shapesPhrase([shape(1, 1, 1024, 32, 8), shape(1, 1, 4096, 32, 8)]), 'B1 H32/8 Lq1 D64 at Lkv 1024, 4096');
    assert.equal(shapesPhrase([shape(1, 1, 4096)]), 'B1 H8 Lq1 Lkv4096 D64');
    assert.equal(shapesPhrase([1, 2, 4, 8, 16].map((b) => shape(b, 256))), 'B1 H8 L256 D64; B2 H8 L256 D64; B4 H8 L256 D64; 2 more');
    assert.equal(benchmarkTitle({ rows: [], cancelled: true }), 'Benchmark');
  });

  it('plots one line per kernel and provider when every shape is one series', () => {
    const rows = [ok('math', shape(1, 128), 1), ok('math', shape(1, 256), 3), ok('fused', shape(1, 256), 2), ok('math', shape(1, 256), 4, 'webgpu')];
    assert.deepEqual(plotData(rows), {
      xLabel: 'sequence length',
      xs: [128, 256],
      series: [
        { label: 'math · wasm', values: [1, 3] },
        { label: 'fused · wasm', values: [null, 2] },
        { label: 'math · webgpu', values: [null, 4] },
      ],
    });
  });

  it('never joins shapes of different batch sizes (or query lengths) into one line', () => {
    // Typed shapes "1 8 256 64; 2 8 1024 64; 1 8 1024 64": batch 1 is a series of two lengths, batch 2 one point.
    const rows = [ok('math', shape(1, 256), 1), ok('math', shape(2, 1024), 8), ok('math', shape(1, 1024), 4), skipped('fused', shape(1, 256), 'refused', 'wasm')];
    assert.deepEqual(plotData(rows), {
      xLabel: 'sequence length',
      xs: [256, 1024],
      series: [
        { label: 'math · wasm · B1 H8 D64', values: [1, 4] },
        { label: 'math · wasm · B2 H8 D64', values: [null, 8] },
      ],
    });
    const decode = [ok('math', shape(1, 1, 1024), 0.5), ok('math', shape(1, 1, 4096), 1.5), ok('math', shape(1, 4096), 9)];
    assert.deepEqual(plotData(decode), {
      xLabel: 'key length',
      xs: [1024, 4096],
      series: [
        { label: 'math · wasm · B1 H8 Lq1 D64', values: [0.5, 1.5] },
        { label: 'math · wasm · B1 H8 D64', values: [null, 9] },
      ],
    });
  });
});
