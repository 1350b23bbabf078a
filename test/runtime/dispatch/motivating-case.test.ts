/**
 * RULES.md "The motivating case": under autocast, q and k end up float32 (normalise × float32
 * parameter) while v stays float16; training always passes a bias tensor.
 */
import assert from 'node:assert/strict';
import { describeDecision } from '../../../runtime/dispatch/describe';
import { decide } from '../../../runtime/dispatch/policy';
import { call, env, expectDecision, type CallSpec } from './call';

const mixed: CallSpec = { q: 'float32', k: 'float32', v: 'float16' };
const ADVICE = 'cast q, k from float32 to float16 (the dtype v has) right before the call';
const casts = [{ tensor: 'q', from: 'float32', to: 'float16' }, { tensor: 'k', from: 'float32', to: 'float16' }];

describe('dispatch: the motivating case', () => {
  it('flash-attn raises on q first, with the casts that fix it', () => {
    const d = decide(call({ ...mixed, api: 'flash_attn_func', layout: 'BLHD', autocast: 'float16' }), env());
    expectDecision(d, { outcome: 'raises', error: 'FlashAttention only support fp16 and bf16 data type' });
    assert.deepEqual(d.warnings, [{ code: 'dtype-unsupported', message: 'FlashAttention only support fp16 and bf16 data type', casts, advice: ADVICE }]);
  });

  it('xformers raises its dtype message, with the same casts', () => {
    const d = decide(call({ ...mixed, api: 'memory_efficient_attention', layout: 'BLHD', autocast: 'float16' }), env());
    const message = 'Query/Key/Value should either all have the same dtype, or (in the quantized case) Key/Value should have dtype torch.int32\n  query.dtype: torch.float32\n  key.dtype  : torch.float32\n  value.dtype: torch.float16';
    expectDecision(d, { outcome: 'raises', error: message });
    assert.deepEqual(d.warnings, [{ code: 'dtype-mismatch', message, casts, advice: ADVICE }]);
  });

  it('SDPA under autocast is fine: flash runs, no warning', () => {
    const d = decide(call({ ...mixed, autocast: 'float16' }), env());
    expectDecision(d, { outcome: 'runs', backend: 'sdpa.flash' });
    assert.deepEqual(d.warnings, []);
  });

  it('SDPA outside autocast raises, naming the dtypes as torch prints them', () => {
    const d = decide(call({ ...mixed, autocast: null }), env());
    const message = 'Expected query, key, and value to have the same dtype, but got query.dtype: float key.dtype: float and value.dtype: c10::Half instead.';
    expectDecision(d, { outcome: 'raises', error: message });
    assert.deepEqual(d.warnings, [{ code: 'dtype-mismatch', message, casts, advice: ADVICE }]);
  });

  it('training passes the bias: flash is off, efficient runs', () => {
    const d = decide(call({ ...mixed, autocast: 'float16', mode: 'train', mask: 'float', maskDtype: 'float32' }), env());
    expectDecision(d, { outcome: 'runs', backend: 'sdpa.efficient', reasons: { 'sdpa.flash': 'Flash Attention does not support non-null attn_mask.' } });
    assert.equal(describeDecision(d), 'efficient (flash off: attn_mask is not None)');
  });

  it('torch 2.0 words the bias rejection differently', () => {
    const d = decide(call({ autocast: 'float16', mask: 'float' }), env({ torch: [2, 0] }));
    expectDecision(d, { outcome: 'runs', reasons: { 'sdpa.flash': 'Both fused kernels do not support non-null attn_mask.' } });
  });

  it('xformers with the bias tensor ends on cutlass: installing flash-attn buys nothing', () => {
    const d = decide(call({ api: 'memory_efficient_attention', layout: 'BLHD', mask: 'float', maskShape: [2, 8, 128, 128] }), env());
    expectDecision(d, { outcome: 'runs', backend: 'xformers.cutlass' });
  });

  it('a float32 bias outside autocast: the efficient kernel raises, and the bias cast fixes it', () => {
    const d = decide(call({ mask: 'float', maskDtype: 'float32' }), env());
    expectDecision(d, { outcome: 'raises', error: "invalid dtype for bias - should match query's dtype" });
    assert.deepEqual(d.warnings, [{
      code: 'bias-dtype', message: "invalid dtype for bias - should match query's dtype",
      casts: [{ tensor: 'bias', from: 'float32', to: 'float16' }],
      advice: 'cast bias from float32 to float16 (the dtype q has) right before the call',
    }]);
  });
});
