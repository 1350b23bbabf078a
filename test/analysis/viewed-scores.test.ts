/**
 * GPT-NeoX's eager attention: q and k folded to (batch·heads, len, head size) for `torch.baddbmm`,
 * the scores viewed back to (batch, heads, q_len, k_len), then `torch.where` with the causal mask,
 * softmax, a cast, dropout and `matmul` with v. The `.view` of the scores dropped the chain before
 * (no call site at all); a view or reshape of the scores now keeps it (not mechanically fixable).
 */
import * as assert from 'node:assert/strict';
import { annotate, sitesOf } from './helpers';

describe('hand-written scores viewed between stages', () => {
  it('finds the hand-written attention through the view of the scores', async () => {
    assert.deepEqual(annotate(await sitesOf(['gpt-neox/modeling_gpt_neox.py'])), [
      'gpt-neox/modeling_gpt_neox.py:51:16 manual GPTNeoXAttention._attn',
      '  train reached=true fp16,fp16,fp16 mask=float causal=false p=0.1 layout=? H=? D=64 → math',
      '  infer reached=true ?,?,? mask=float causal=false p=0 layout=? H=? D=64 → math',
      '  manual-attention information - 51:16 Hand-written attention materialises the L×L score matrix; `torch.nn.functional.scaled_dot_product_attention(query, key, value, attn_mask=…, dropout_p=…, scale=…)` computes the same fused (flash or memory-efficient kernel)',
    ]);
  });

  it('finds fairseq\'s attention, whose scores are viewed around the key padding mask', async () => {
    assert.deepEqual(annotate(await sitesOf(['fairseq-style/multihead_attention.py'])), [
      'fairseq-style/multihead_attention.py:36:16 manual MultiheadAttention.forward',
      '  train reached=true ?,?,? mask=bool causal=false p=0.1 layout=? H=? D=64 → math',
      '  infer reached=false ?,?,? mask=none causal=false p=0 layout=? H=? D=64 → math',
      '  manual-attention information - 36:16 Hand-written attention materialises the L×L score matrix; q, k, v are 3-D here (heads folded into the batch), so `F.scaled_dot_product_attention` would run its math kernel too (its fused kernels need 4-D inputs: input-rank) — keep the heads in a dim of their own, (B, H, L, D), to run it fused',
    ]);
  });
});
