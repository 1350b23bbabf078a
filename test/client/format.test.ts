import * as assert from 'node:assert/strict';
import { exportFileName, parseShapes, runtimeReportMarkdown, toCsv, toJson } from '../../extension/client/format';
import type { BenchmarkRow } from '../../extension/protocol';

const ROWS: BenchmarkRow[] = [
  { kernel: 'math', provider: 'wasm', adapter: 'WASM, 2 threads', dtype: 'float32', shape: { batch: 1, heads: 8, kvHeads: 8, seqQ: 256, seqKv: 256, headDim: 64 }, status: 'ok', medianMs: 3.6, spreadMs: 0.4, relError: 1e-7 },
  { kernel: 'fused', provider: 'webgpu', adapter: 'SwiftShader', dtype: 'float32', shape: { batch: 1, heads: 8, kvHeads: 2, seqQ: 1, seqKv: 512, headDim: 64 }, status: 'broken', medianMs: null, spreadMs: null, relError: 0.7, reason: 'parity failed: "subgroups"' },
];

describe('client/format', () => {
  it('writes CSV with a header, quoting cells that need it', () => {
    assert.equal(toCsv(ROWS), [
      'kernel,provider,adapter,dtype,batch,heads,kv_heads,seq_q,seq_kv,head_dim,status,median_ms,spread_ms,rel_error,reason',
      'math,wasm,"WASM, 2 threads",float32,1,8,8,256,256,64,ok,3.6,0.4,1e-7,',
      'fused,webgpu,SwiftShader,float32,1,8,2,1,512,64,broken,,,0.7,"parity failed: ""subgroups"""',
      '',
    ].join('\n'));
  });

  it('names an export by the local time it ran, for the save dialog', () => {
    assert.equal(exportFileName('csv', new Date(2026, 11, 7, 9, 5)), 'attnlens-benchmark-2026-12-07-0905.csv');
    assert.equal(exportFileName('json', new Date(2026, 0, 31, 23, 59)), 'attnlens-benchmark-2026-01-31-2359.json');
  });

  it('writes JSON that reads back to the rows', () => {
    assert.deepEqual(JSON.parse(toJson(ROWS)), { rows: ROWS });
  });

  it('parses shapes typed as B H L D, with an optional key length', () => {
    assert.deepEqual(parseShapes('1 8 256 64; 2,4,1,128,4096'), [
      { batch: 1, heads: 8, kvHeads: 8, seqQ: 256, seqKv: 256, headDim: 64 },
      { batch: 2, heads: 4, kvHeads: 4, seqQ: 1, seqKv: 4096, headDim: 128 },
    ]);
    assert.equal(parseShapes(' ; '), 'enter at least one shape as "B H L D"');
    assert.equal(parseShapes('1 8 256'), `'1 8 256' is not "B H L D" (or "B H Lq D Lkv") with positive integers`);
    assert.equal(parseShapes('1 8 0 64'), `'1 8 0 64' is not "B H L D" (or "B H Lq D Lkv") with positive integers`);
  });

  it('renders the runtime report as Markdown tables', () => {
    const md = runtimeReportMarkdown({
      providers: [{ name: 'webgpu', available: false, detail: 'no WebGPU adapter' }, { name: 'wasm', available: true, detail: '2 threads' }],
      kernels: [{ kernel: 'fused', provider: 'wasm', ok: true, relError: 1.2e-7, tolerance: 1e-4 }],
    });
    assert.ok(md.includes('| webgpu | unavailable | no WebGPU adapter |\n| wasm | available | 2 threads |'));
    assert.ok(md.includes('| fused | wasm | ok | 1.2e-7 | 1e-4 |  |'));
  });
});
