import assert from 'node:assert/strict';
import { backendName, describeDecision, describeSwitches } from '../../../runtime/dispatch/describe';
import { known, unknown } from '../../../runtime/dispatch/facts';
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
    ['a backend switched off', decide(call({ sdpaBackends: { enabled: { flash: known(false, 'x') } } }), env()), 'efficient (flash off: runtime disabled)'],
    ['every enabled backend refuses the call', decide(call({ mask: 'bool', sdpaBackends: { enabled: { cudnn: known(false, 'x'), efficient: known(false, 'x'), math: known(false, 'x') } } }), env()),
      'raises: No available kernel. Aborting execution.'],
  ];
  for (const [name, decision, text] of cases) it(name, () => assert.equal(describeDecision(decision), text));

  it('describes switches grouped by the switch that set them, with the order', () => assert.equal(describeSwitches({
    enabled: {
      cudnn: known(false, '`sdpa_kernel(K)` at a.py:3'), flash: known(true, '`sdpa_kernel(K)` at a.py:3'),
      efficient: known(false, '`sdpa_kernel(K)` at a.py:3'), math: unknown('the flag of `enable_math_sdp(m)` at a.py:1'),
    },
    priority: known(['flash', 'efficient'], '`sdpa_kernel(K)` at a.py:3'),
  }), 'flash on; cudnn and efficient off (`sdpa_kernel(K)` at a.py:3); math on? (depends on the flag of `enable_math_sdp(m)` at a.py:1); '
    + 'tried in the order flash → efficient (`sdpa_kernel(K)` at a.py:3)'));

  it('names backends without their library', () => assert.deepEqual(
    ['sdpa.flash', 'xformers.cutlass', 'web.fused'].map(backendName), ['flash', 'cutlass', 'fused']));
});
