import assert from 'node:assert/strict';
import { backendName, describeDecision } from '../../../runtime/dispatch/describe';
import { decide } from '../../../runtime/dispatch/policy';
import { call, env, U } from './call';

describe('dispatch: describeDecision', () => {
  const cases: [string, ReturnType<typeof decide>, string][] = [
    ['the first backend', decide(call(), env()), 'flash'],
    ['a fallback with the reason the preferred one is off', decide(call({ mask: 'bool' }), env()), 'efficient (flash off: attn_mask is not None)'],
    ['a fallback for dtype', decide(call({ q: 'float32' }), env()), 'efficient (flash off: float32)'],
    ['an error', decide(call({ api: 'flash_attn_func', q: 'float32' }), env()), 'raises: FlashAttention only support fp16 and bf16 data type'],
    ['a long multi-line error is cut to its first line',
      decide(call({ api: 'memory_efficient_attention', q: 'float32', v: 'float16' }), env()),
      'raises: Query/Key/Value should either all have the same dtype, or (in the quantized cas…'],
    ['depends', decide(call({ mask: U('whether attn_bias is None') }), env()), 'flash? (depends on whether attn_bias is None)'],
  ];
  for (const [name, decision, text] of cases) it(name, () => assert.equal(describeDecision(decision), text));

  it('names backends without their library', () => assert.deepEqual(
    ['sdpa.flash', 'xformers.cutlass', 'web.fused'].map(backendName), ['flash', 'cutlass', 'fused']));
});
