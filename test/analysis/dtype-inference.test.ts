/**
 * Dtype inference as a table: a few lines of code before an SDPA call inside
 * `with torch.autocast('cuda', dtype=torch.float16):` (or outside it) → the q, k, v dtypes there.
 */
import * as assert from 'node:assert/strict';
import { resolveLineMarks } from '../../extension/analysis/syntax/positions';
import { dtypes, program, sitesOfSource } from './helpers';

const TABLE: readonly [string, boolean, string][] = [
  ['q, k, v = q.half(), k.float(), v.bfloat16()', false, 'fp16,fp32,bf16'],
  ['q = q.to(torch.float16)\nk = k.to(dtype=torch.bfloat16)\nv = v.to(q.dtype)', false, 'fp16,bf16,fp16'],
  ['q = q.to(torch.float16)\nk = k.type(torch.float64)\nv = v.type_as(q)', false, 'fp16,fp64,fp16'],
  ['q, k, v = m.proj(x).chunk(3, dim=-1)', true, 'fp16,fp16,fp16'],
  ['q, k, v = m.proj(x).unbind(0)\nq = F.normalize(q, dim=-1)', true, 'fp32,fp16,fp16'],
  ['q, k, v = m.proj(x).split(64, dim=-1)\nq = q * m.scale', true, 'fp32,fp16,fp16'],
  ['q = k = v = m.proj(x).half()', false, 'fp16,fp16,fp16'],
  ['q, k, v = m.proj(x).split(64, dim=-1)\nq = q * 0.125', true, 'fp16,fp16,fp16'],
  ['q, k, v = m.proj(x).split(64, dim=-1)\nk = k * m.freqs.cos()', true, 'fp16,fp32,fp16'],
  ['q = torch.zeros(2, 8, 16, 64, dtype=torch.bfloat16)\nk = q.view(2, 8, 16, 64).permute(0, 1, 2, 3)\nv = k.transpose(1, 2).reshape(2, 16, 8, 64)', false, 'bf16,bf16,bf16'],
  ['q = torch.randn(2, 8, 16, 64)\nk = q.softmax(-1)\nv = q @ k', true, 'fp32,fp32,fp16'],
  ['q = torch.randn(2, 8, 16, 64).half()\nk = torch.cat([q, q.float()], dim=1)\nv = torch.ones_like(q)', true, 'fp16,fp32,fp16'],
  // A bool tensor (a where's condition, a mask multiplied in) decides no promotion beside a float one.
  ['q = torch.randn(2, 8, 16, 64).half()\nkeep = (q > 0).bool()\nk = torch.where(keep, q, torch.zeros_like(q))\nv = q * keep', false, 'fp16,fp16,fp16'],
  // torch.concat is torch.cat; a None in the list would raise, so the tensor beside it is what joins.
  ['q = torch.randn(2, 8, 16, 64).half()\nextra = q.float() if m.flag else None\nk = torch.concat([extra, q], dim=1)\nv = torch.ones_like(q)', true, 'fp16,fp32,fp16'],
  // Outside any region the code shows, autocast is a setting (unknown here): exp's dtype depends on it.
  ['q = torch.randn(2, 8, 16, 64).half()\nk = q + torch.randn(64)\nv = q.exp()', false, 'fp16,fp32,?'],
  ['q, k, v = F.linear(x, m.proj.weight).chunk(3, -1)', true, 'fp16,fp16,fp16'],
  ['q, k, v = m.half().proj(x).chunk(3, -1)', false, '?,?,?'],
];

describe('dtype inference', () => {
  for (const [body, autocast, want] of TABLE) {
    it(`${body.replace(/\n/g, '; ')}${autocast ? ' (autocast fp16)' : ''} → ${want}`, async () => {
      const sites = await sitesOfSource(program(body, autocast));
      assert.equal(sites.length, 1);
      assert.equal(dtypes(sites[0].modes.train), want);
    });
  }

  it('says which autocast region a dtype came from', async () => {
    const sites = await sitesOfSource(program('q, k, v = m.proj(x).chunk(3, dim=-1)', true));
    const q = sites[0].modes.train.facts.dtypes.q;
    assert.ok(q.known);
    assert.equal(resolveLineMarks(q.source), '`linear` at snippet.py:17 runs in float16 under autocast (autocast region at snippet.py:16)');
  });

  it('applies an autocast region at a caller in another file to the callee', async () => {
    const sites = await sitesOfSource([
      'import torch', 'import torch.nn.functional as F', '',
      'def attend(q, k, v):', '    return F.scaled_dot_product_attention(q @ q, k @ k, v)', '',
      'def train(q, k, v):', "    with torch.autocast('cuda', dtype=torch.bfloat16):", '        attend(q, k, v)',
    ].join('\n'));
    assert.equal(dtypes(sites[0].modes.train), 'bf16,bf16,?');
    assert.equal(sites[0].modes.train.facts.autocast.known && resolveLineMarks(sites[0].modes.train.facts.autocast.source), 'autocast region at snippet.py:8');
  });
});
