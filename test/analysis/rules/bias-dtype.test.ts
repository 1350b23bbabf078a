/**
 * bias-dtype on SDPA: a float32 bias beside a float16 q passes SDPA's validation and only the CUDA
 * memory-efficient kernel raises, so the finding is an error where that kernel is picked, a warning
 * where it may be, and absent where another kernel runs.
 */
import * as assert from 'node:assert/strict';
import { analyzeFiles } from '../../../extension/analysis/index';
import { SETTINGS } from '../helpers';

const SOURCE = [
  'import torch', 'import torch.nn.functional as F', '',
  'def attend(d):',
  '    bias = torch.zeros(2, 8, 128, 128)',
  '    q = torch.randn(2, 8, 128, 64, dtype=torch.float16)',
  '    F.scaled_dot_product_attention(q, q, q, attn_mask=bias)',
  '    q = torch.randn(2, 8, 128, d, dtype=torch.float16)',
  '    F.scaled_dot_product_attention(q, q, q, attn_mask=bias)',
  '    q = torch.randn(2, 8, 128, 12, dtype=torch.float16)',
  '    F.scaled_dot_product_attention(q, q, q, attn_mask=bias)',
].join('\n');

describe('bias-dtype on SDPA', () => {
  it('is an error where the memory-efficient kernel runs, a warning where it may, and silent where math runs', async () => {
    const [report] = await analyzeFiles([{ path: 'bias.py', text: SOURCE }], { ...SETTINGS, autocast: 'off' });
    const found = report!.calls.map((c) => `${c.span.line} ${c.findings.filter((f) => f.code === 'bias-dtype').map((f) => `${f.severity}: ${f.message}`).join('') || '-'}`);
    assert.deepEqual(found, [
      '7 error: F.scaled_dot_product_attention: "invalid dtype for bias - should match query\'s dtype" — the bias is float32, q is float16',
      '9 warning: F.scaled_dot_product_attention: "invalid dtype for bias - should match query\'s dtype" — the bias is float32, q is float16 (if `d` is a multiple of 8)',
      '11 -',
    ]);
  });
});
