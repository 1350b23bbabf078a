import * as assert from 'node:assert/strict';
import { estimate, formatSeconds } from '../../extension/server/roofline';
import type { ResolvedShape } from '../../extension/server/shape-profile';

function shape(b: number, h: number, hkv: number, lq: number, lkv: number, d: number): ResolvedShape {
  const dim = (value: number) => ({ value, source: 'test' });
  return { batch: dim(b), heads: dim(h), kvHeads: dim(hkv), seqQ: dim(lq), seqKv: dim(lkv), headDim: dim(d) };
}

describe('server/roofline', () => {
  it('is compute-bound for long bf16 sequences on H100: 4·B·H·L²·D / 989.4 TFLOP/s / efficiency', () => {
    const e = estimate('H100', 'bfloat16', shape(4, 16, 16, 4096, 4096, 128), false, 0.6);
    const flops = 4 * 4 * 16 * 4096 * 4096 * 128;
    assert.equal(e.flops, flops);
    assert.equal(e.bound, 'compute');
    assert.ok(Math.abs(e.seconds - flops / 989.4e12 / 0.6) < 1e-12);
    assert.equal(formatSeconds(e.seconds), '926 µs');
  });
  it('halves the work when causal and counts grouped k/v heads in the bytes', () => {
    const full = estimate('A100', 'float16', shape(1, 32, 8, 1, 8192, 128), false, 1);
    const causal = estimate('A100', 'float16', shape(1, 32, 8, 1, 8192, 128), true, 1);
    assert.equal(causal.flops * 2, full.flops);
    assert.equal(full.bytes, 2 * 128 * (2 * 32 * 1 + 2 * 8 * 8192));
    assert.equal(full.bound, 'memory');
    assert.ok(Math.abs(full.seconds - full.bytes / 2.039e12) < 1e-15);
  });
  it('knows Blackwell: B200 (sm100) and RTX 5090 (sm120) at their dense tensor-core rates and bandwidths', () => {
    const long = shape(4, 16, 16, 4096, 4096, 128);
    const flops = 4 * 4 * 16 * 4096 * 4096 * 128;
    assert.ok(Math.abs(estimate('B200', 'bfloat16', long, false, 1).seconds - flops / 2250e12) < 1e-12);
    assert.ok(Math.abs(estimate('RTX 5090', 'float16', long, false, 1).seconds - flops / 209.5e12) < 1e-12);
    const decode = estimate('B200', 'bfloat16', shape(1, 32, 8, 1, 8192, 128), false, 1);
    assert.equal(decode.bound, 'memory');
    assert.ok(Math.abs(decode.seconds - decode.bytes / 8e12) < 1e-15);
  });
  it('formats microseconds and milliseconds', () => {
    assert.deepEqual([3.34e-6, 5.2e-7, 0.0351, 0.2345].map(formatSeconds), ['3.3 µs', '0.52 µs', '35 ms', '235 ms']);
  });
});
