/**
 * transformers-style attention: the config names an implementation, a registry dict maps names to
 * functions (eager, SDPA, flash-attn), and q, k, v are viewed through a tuple built from the input's
 * shape (`(*hidden_states.shape[:-1], -1, self.head_dim)`). Each path reaches the function its
 * config picks, and the shapes come through the tuple.
 */
import * as assert from 'node:assert/strict';
import { annotate, sitesOf } from './helpers';

describe('analysis: transformers-style attention registries', () => {
  it('follows the implementation each path\'s config picks, with the shapes of its tuple views', async () => {
    assert.deepEqual(annotate(await sitesOf(['transformers-style/modeling.py', 'transformers-style/run.py'])), [
      // The eager function (kᵀ as `key.transpose(2, 3)`) runs where the config says "eager": in evaluate_eager, on inference.
      'transformers-style/modeling.py:19:12 manual eager_attention',
      '  train reached=null ?,?,? mask=? causal=false p=? layout=? H=? D=? → math',
      '  infer reached=true ?,?,? mask=none causal=false p=0 layout=? H=16 D=64 → math',
      '  manual-attention information - 19:12 Hand-written attention materialises the L×L score matrix; `F.scaled_dot_product_attention(query, key, value, attn_mask=…, dropout_p=…, scale=…)` computes the same fused (flash or memory-efficient kernel)',
      'transformers-style/modeling.py:24:11 sdpa sdpa_attention',
      '  train reached=true bf16,bf16,bf16 mask=none causal=true p=0.1 layout=? H=16 D=64 → flash',
      '  infer reached=null ?,?,? mask=? causal=? p=0 layout=? H=? D=? → flash? (depends on the argument `query` of sdpa_attention, the argument `key` of sdpa_attention and the argument `value` of sdpa_attention) if `attention_mask` is None · efficient? (depends on the argument `query` of sdpa_attention, the argument `key` of sdpa_attention and the argument `value` of sdpa_attention) if `attention_mask` is a float tensor or a bool tensor',
      '  mask-disables-flash information infer 24:71 Flash is off: `attention_mask` is a float tensor (a case the files leave open); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel (if `attention_mask` is a float tensor or a bool tensor)',
      'transformers-style/modeling.py:29:12 flash_attn_func flash_attention',
      "  train reached=null ?,?,? mask=none causal=true p=0 layout=? H=? D=? → fa2? (depends on the argument `query` of flash_attention) if flash_attn is installed · raises: ModuleNotFoundError: No module named 'flash_attn' if flash_attn is not installed",
      "  infer reached=true bf16,bf16,bf16 mask=none causal=true p=0 layout=? H=16 D=64 → fa2 if flash_attn is installed · raises: ModuleNotFoundError: No module named 'flash_attn' if flash_attn is not installed",
    ]);
  });
});
