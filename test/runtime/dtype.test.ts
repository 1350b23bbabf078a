import * as assert from 'node:assert/strict';
import { parseDtype, promote, shortName } from '../../runtime/dispatch/dtype';
import type { Dtype } from '../../runtime/dispatch/facts';

describe('dtype', () => {
  const promotions: [Dtype, Dtype, Dtype][] = [
    ['float16', 'float16', 'float16'],
    ['float16', 'float32', 'float32'],
    ['float32', 'float16', 'float32'],
    ['bfloat16', 'float32', 'float32'],
    ['float16', 'bfloat16', 'float32'],
    ['float32', 'float64', 'float64'],
    ['bfloat16', 'bfloat16', 'bfloat16'],
  ];
  for (const [a, b, want] of promotions) {
    it(`promotes ${a} with ${b} to ${want}`, () => assert.equal(promote(a, b), want));
  }

  const names: [string, Dtype | undefined][] = [
    ['torch.float16', 'float16'], ['torch.half', 'float16'], ['bfloat16', 'bfloat16'],
    ['torch.float', 'float32'], ['torch.double', 'float64'], ['torch.int8', undefined],
    ['torch.constructor', undefined],
  ];
  for (const [text, want] of names) {
    it(`parses ${text}`, () => assert.equal(parseDtype(text), want));
  }

  it('gives short names', () => assert.deepEqual(
    (['float16', 'bfloat16', 'float32', 'float64'] as Dtype[]).map(shortName), ['fp16', 'bf16', 'fp32', 'fp64']));
});
