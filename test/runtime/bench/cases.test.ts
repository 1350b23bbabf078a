import * as assert from 'node:assert/strict';
import { expandCases, kernelConfig, type BenchShape } from '../../../runtime/bench/cases';

const shape: BenchShape = { batch: 1, heads: 8, seq: 256, kv_seq: 256, head_dim: 64 };

describe('benchmark cases', () => {
  it('runs every kernel on every swept shape, shape by shape; sweeping seq moves kv_seq along', () => {
    const cases = expandCases({ kernels: ['math', 'fused'], dtype: 'float32', shape, bias: 'none', sweep: { dim: 'seq', values: [128, 512] } });
    assert.deepEqual(cases.map((c) => [c.kernel, c.shape.seq, c.shape.kv_seq]), [['math', 128, 128], ['fused', 128, 128], ['math', 512, 512], ['fused', 512, 512]]);
  });
  it('keeps a kv_seq that was set apart from seq (decode against a cache)', () => {
    const cases = expandCases({ kernels: ['math'], dtype: 'float16', shape: { ...shape, seq: 1, kv_seq: 1024 }, bias: 'causal', sweep: { dim: 'seq', values: [1, 4] } });
    assert.deepEqual(cases.map((c) => [c.shape.seq, c.shape.kv_seq, c.dtype, c.bias]), [[1, 1024, 'float16', 'causal'], [4, 1024, 'float16', 'causal']]);
  });
  it('without a sweep, one case per kernel', () => {
    assert.equal(expandCases({ kernels: ['gqa'], dtype: 'float32', shape, bias: 'none' }).length, 1);
  });
  it('maps bias kinds onto the kernel config: full-size float bias or bool mask, or the causal flag', () => {
    const c = (bias: 'none' | 'float' | 'bool' | 'causal') => kernelConfig({ kernel: 'math', dtype: 'float32', shape: { ...shape, batch: 2, kv_seq: 300 }, bias });
    assert.deepEqual([c('none').mask, c('none').causal], [{ kind: 'none' }, false]);
    assert.deepEqual(c('float').mask, { kind: 'float', batch: 2, heads: 8 });
    assert.deepEqual(c('bool').mask, { kind: 'bool', batch: 2, heads: 8 });
    assert.deepEqual([c('causal').mask, c('causal').causal], [{ kind: 'none' }, true]);
    assert.deepEqual(c('none').shape, { batch: 2, heads: 8, kvHeads: 8, seqQ: 256, seqKv: 300, headDim: 64, headDimV: 64 });
  });
});
