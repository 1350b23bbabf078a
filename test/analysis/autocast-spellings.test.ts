/**
 * The spellings of an autocast region: `torch.amp.autocast('cuda', dtype=…)`, `torch.autocast` with
 * the dtype by position or not at all (float16 on CUDA, bfloat16 on CPU), `torch.cuda.amp.autocast`.
 */
import * as assert from 'node:assert/strict';
import { qAndMode, sitesOfSource } from './helpers';

const program = (region: string): string => [
  'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '',
  'class Attn(nn.Module):', '    def __init__(self):', '        super().__init__()', '        self.q = nn.Linear(64, 64)', '',
  '    def forward(self, x, k, v):', '        return F.scaled_dot_product_attention(self.q(x), k, v)', '',
  'def train_step(model: Attn, x, k, v):', `    with ${region}:`, '        y = model(x, k, v)', '    y.sum().backward()',
].join('\n');

const CASES: readonly (readonly [string, string])[] = [
  ["torch.amp.autocast('cuda', dtype=torch.bfloat16)", 'bfloat16'],
  ["torch.autocast(device_type='cuda')", 'float16'],
  ['torch.autocast("cuda", torch.bfloat16)', 'bfloat16'],
  ["torch.amp.autocast(device_type='cpu')", 'bfloat16'],
  ['torch.cuda.amp.autocast(dtype=torch.bfloat16)', 'bfloat16'],
];

describe('autocast spellings', () => {
  for (const [region, dtype] of CASES) {
    it(`${region} runs linear in ${dtype}`, async () => {
      const [site] = await sitesOfSource(program(region));
      assert.equal(qAndMode(site!, 'train')[0], `${dtype} from \`linear\` at snippet.py:11 runs in ${dtype} under autocast (autocast region at snippet.py:14)`);
    });
  }
});
