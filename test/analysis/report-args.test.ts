/** CallReport.args: where q, k and v are written at each attention call (the inlay hints' anchors). */
import * as assert from 'node:assert/strict';
import { analyzeFiles } from '../../extension/analysis/index';
import type { CallReport, Span } from '../../extension/analysis/report';
import { SETTINGS } from './helpers';

const SOURCE = `import torch
import torch.nn as nn
import torch.nn.functional as F
from flash_attn import flash_attn_func, flash_attn_qkvpacked_func
import xformers.ops as xops


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.mha = nn.MultiheadAttention(64, 4, batch_first=True)

    def forward(self, x, q, k, v, qkv):
        a = F.scaled_dot_product_attention(q, k, v)
        b = F.scaled_dot_product_attention(value=v.half(), query=q, key=k)
        c = flash_attn_func(q, k, v, causal=True)
        d = xops.memory_efficient_attention(q, key=k, value=v)
        e, _ = self.mha(x, x, x, need_weights=False)
        f = flash_attn_qkvpacked_func(qkv)
        return a, b, c, d, e, f
`;

const at = (s: Span | undefined): string => (s ? `${s.line}:${s.column}-${s.endColumn}` : '-');

describe('analysis: q, k, v argument spans', () => {
  it('gives each tensor argument, positional or keyword, its span; packed qkv gets none', async () => {
    const [report] = await analyzeFiles([{ path: 'block.py', text: SOURCE }], SETTINGS);
    const line = (c: CallReport) => `${c.span.line} ${c.api}: q ${at(c.args?.q)} k ${at(c.args?.k)} v ${at(c.args?.v)}`;
    assert.deepEqual(report.calls.map(line), [
      '14 F.scaled_dot_product_attention: q 14:44-45 k 14:47-48 v 14:50-51',
      '15 F.scaled_dot_product_attention: q 15:66-67 k 15:73-74 v 15:50-58',
      '16 flash_attn_func: q 16:29-30 k 16:32-33 v 16:35-36',
      '17 xops.memory_efficient_attention: q 17:45-46 k 17:52-53 v 17:61-62',
      '18 self.mha: q 18:25-26 k 18:28-29 v 18:31-32',
      '19 flash_attn_qkvpacked_func: q - k - v -',
    ]);
  });
});
