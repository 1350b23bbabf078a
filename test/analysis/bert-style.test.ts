/**
 * BERT-style head split (`transpose_for_scores`): `x.view(x.size()[:-1] + (heads, head_size))` of an
 * `nn.Linear` output (rank unknown, last dim known), then `permute(0, 2, 1, 3)`. The slice of the
 * open shape, the tuple concatenation, the view to a shape of unknown length and the permute that
 * states the rank carry the head size to the SDPA call; before, it read "depends on the head size".
 */
import * as assert from 'node:assert/strict';
import { annotate, sitesOf, sitesOfSource, told } from './helpers';

describe('BERT-style transpose_for_scores', () => {
  it('gives SDPA its head size and 4-D inputs', async () => {
    const sites = await sitesOf(['bert-style/modeling_bert.py']);
    assert.deepEqual(annotate(sites), [
      "bert-style/modeling_bert.py:29:19 sdpa BertSelfAttention.forward",
      '  train reached=true fp16,fp16,fp16 mask=? causal=false p=0.1 layout=? H=? D=64 → flash if `attention_mask` is None · efficient (flash off: attn_mask is not None) if `attention_mask` is a float tensor',
      "  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=? D=64 → flash",
      '  mask-disables-flash information train 31:23 Flash is off on the training path: `attention_mask` is a float tensor (`.to()` at modeling_bert.py:46, on the paths that pass a tensor); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel (if `attention_mask` is a float tensor)',
    ]);
    assert.equal(told(sites[0]!.modes.infer.facts.shape.headDim), '64 | 64, the last item of `new_x_shape` (hidden_size // num_attention_heads at modeling_bert.py:13)');
  });

  it('keeps what is not known unknown: a -1 last item, a shape of a tensor with no known dim, a transpose of unknown rank', async () => {
    const source = [
      'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '',
      'class A(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.q = nn.Linear(768, 768)',
      '',
      '    def forward(self, x, k, v):',
      '        h = self.q(x)',
      '        a = h.view(h.size()[:-1] + (12, -1)).permute(0, 2, 1, 3)',
      '        b = k.view(k.size()[:-1] + (12, 64)).permute(0, 2, 1, 3)',
      '        c = h.view(h.size()[:-1] + (12, 64)).transpose(1, 2)',
      '        return F.scaled_dot_product_attention(a, b, c)',
    ].join('\n');
    const [site] = await sitesOfSource(source);
    const shape = site!.modes.train.facts.shape;
    assert.deepEqual([shape.headDim.known, shape.ranks?.known ?? false], [false, false]);
  });
});
