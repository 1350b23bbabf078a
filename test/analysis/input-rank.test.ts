/**
 * Input ranks: heads folded into the batch (`(B·H, L, D)`) keep SDPA off every fused kernel (it
 * takes 4-D inputs only, and says so only when a kernel is forced), while xformers reads 3-D
 * inputs as one head. Unpacking a tensor (`q, k, v = qkv`) keeps the dims after the first.
 */
import * as assert from 'node:assert/strict';
import { annotate, sitesOf, sitesOfSource } from './helpers';

describe('input ranks', () => {
  it('annotates 3-D SDPA and xformers calls, and 4-D ones unpacked from one tensor', async () => {
    assert.deepEqual(annotate(await sitesOf(['input-rank/processors.py'])), [
      'input-rank/processors.py:28:19 memory_efficient_attention Attention.forward',
      '  train reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=1 D=64 → fa2',
      '  infer reached=true bf16,bf16,bf16 mask=none causal=false p=0 layout=? H=1 D=64 → fa2',
      'input-rank/processors.py:30:19 sdpa Attention.forward',
      '  train reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=? D=64 → math (flash off: 3-D inputs)',
      '  infer reached=true bf16,bf16,bf16 mask=none causal=false p=0 layout=? H=? D=64 → math (flash off: 3-D inputs)',
      '  input-rank warning train 30:50 SDPA runs its math kernel here on the training path: q, k and v have dims (b * self.heads, n, self.head_dim); "All fused kernels requires query, key and value to be 4 dimensional, but got Query dim: 3, Key dim: 3, Value dim: 3 instead." — PyTorch falls back without a word, and the math kernel materialises the L×S score matrix. Keep the heads in a dim of their own: (B, H, L, D)',
      '  input-rank warning infer 30:50 SDPA runs its math kernel here on the inference path: q, k and v have dims (b * self.heads, n, self.head_dim); "All fused kernels requires query, key and value to be 4 dimensional, but got Query dim: 3, Key dim: 3, Value dim: 3 instead." — PyTorch falls back without a word, and the math kernel materialises the L×S score matrix. Keep the heads in a dim of their own: (B, H, L, D)',
      'input-rank/processors.py:46:16 sdpa HeadsKept.forward',
      '  train reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=BHLD H=8 D=64 → flash',
      '  infer reached=true bf16,bf16,bf16 mask=none causal=false p=0 layout=BHLD H=8 D=64 → flash',
    ]);
  });

  it('says nothing of ranks the code does not show', async () => {
    const source = [
      'import torch', 'import torch.nn.functional as F', '',
      'def train_step(q, k, v):', '    return F.scaled_dot_product_attention(q.unsqueeze(1), k, v)',
    ].join('\n');
    const [site] = await sitesOfSource(source);
    assert.equal(site!.modes.train.facts.shape.ranks, undefined);
    assert.deepEqual(annotate([site!]).filter((l) => l.includes('input-rank')), []);
  });

  it('tells ranks that differ between q and k, v', async () => {
    const source = [
      'import torch', 'import torch.nn.functional as F', '',
      'def train_step():',
      '    q = torch.randn(16, 128, 64, dtype=torch.float16)',
      '    k = torch.randn(2, 8, 128, 64, dtype=torch.float16)',
      '    return F.scaled_dot_product_attention(q, k, k)',
    ].join('\n');
    const [site] = await sitesOfSource(source);
    const ranks = site!.modes.train.facts.shape.ranks;
    assert.ok(ranks?.known);
    assert.deepEqual(ranks.value, { q: 3, k: 4, v: 4 });
    assert.equal(ranks.source, 'q has dims (16, 128, 64), k (2, 8, 128, 64), v (2, 8, 128, 64)');
  });
});
