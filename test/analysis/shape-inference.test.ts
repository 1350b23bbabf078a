/**
 * Shape inference as a table: a few lines of code before an SDPA call → the heads and head sizes
 * the call sees (q heads, kv heads, q/k head size, v head size; `?` unknown). Ops that keep their
 * input's shape keep it; ops that change it in ways the analysis does not read make it unknown,
 * never a stale copy of the input's.
 */
import * as assert from 'node:assert/strict';
import type { ModeSite } from '../../extension/analysis/call-sites';
import type { AnalysisSettings } from '../../extension/analysis/report';
import { callReport, environmentOf } from '../../extension/analysis/build-report';
import { fact, outcome, program, SETTINGS, sitesOfSource } from './helpers';

function heads(m: ModeSite): string {
  const s = m.facts.shape;
  return `H=${fact(s.heads)} Hkv=${fact(s.kvHeads)} D=${fact(s.headDim)} Dv=${fact(s.headDimV)}`;
}

const SHAPED = 'B, H, L, D = 2, 8, 16, 64\nq = torch.randn(B, H, L, D)\nkv = torch.randn(B, 2, L, D)\n';

const TABLE: readonly [string, string][] = [
  [`${SHAPED}k = q.contiguous()\nv = q.clone().detach()`, 'H=8 Hkv=8 D=64 Dv=64'],
  [`${SHAPED}k = F.layer_norm(q, (D,))\nv = F.dropout(F.gelu(q), 0.1)`, 'H=8 Hkv=8 D=64 Dv=64'],
  [`${SHAPED}k = q.masked_fill(q > 0, 0.0).pow(2)\nv = torch.tanh(q).neg()`, 'H=8 Hkv=8 D=64 Dv=64'],
  // Grouped-query attention: the keys repeated to the query heads.
  [`${SHAPED}k = torch.repeat_interleave(kv, H // 2, dim=1)\nv = kv.repeat_interleave(4, dim=-3)`, 'H=8 Hkv=8 D=64 Dv=64'],
  [`${SHAPED}k = kv\nv = kv.repeat_interleave(4, 1)`, 'H=8 Hkv=2 D=64 Dv=64'],
  // Shape-changing ops the analysis does not read: unknown, not the input's shape.
  [`${SHAPED}k = torch.flatten(q, 2)\nv = q`, 'H=8 Hkv=? D=64 Dv=64'],
  [`${SHAPED}k = q\nv = torch.mean(q, dim=-1, keepdim=True)`, 'H=8 Hkv=8 D=64 Dv=?'],
  [`${SHAPED}k = q\nv = kv.repeat_interleave(4)`, 'H=8 Hkv=8 D=64 Dv=?'],
];

describe('shape inference', () => {
  for (const [body, want] of TABLE) {
    it(`${body.slice(SHAPED.length).replace(/\n/g, '; ')} → ${want}`, async () => {
      const sites = await sitesOfSource(program(body, false));
      assert.equal(sites.length, 1);
      assert.equal(heads(sites[0].modes.train), want);
    });
  }

  // Causal SDPA needs Lq = Lk for flash; unknown lengths are equal only where one variable of the
  // calling frame gives both (never from a callee's result, nor across a rebinding on some path).
  const LENGTHS: readonly [string, readonly string[], boolean][] = [
    ['self-attention: q and k viewed with the T of x.size()', [
      'B, T, C = x.size()',
      'q = x.view(B, T, 8, 64).transpose(1, 2)',
      'k = x.view(B, T, 8, 64).transpose(1, 2)',
    ], true],
    ['a length passed as an argument', [
      'q = x.view(2, n, 8, 64).transpose(1, 2)',
      'k = ctx.view(2, n, 8, 64).transpose(1, 2)',
    ], true],
    ['cross-attention: T of x, S of ctx', [
      'B, T, C = x.size()', 'S = ctx.size(1)',
      'q = x.view(B, T, 8, 64).transpose(1, 2)',
      'k = ctx.view(B, S, 8, 64).transpose(1, 2)',
    ], false],
    ['T rebound on one path before k is viewed', [
      'B, T, C = x.size()',
      'q = x.view(B, T, 8, 64).transpose(1, 2)',
      'if ctx is not None:', '    B, T, C = ctx.size()',
      'k = x.view(B, T, 8, 64).transpose(1, 2)',
    ], false],
    ['q and k shaped by a helper: its T is another frame\'s', [
      'q = heads(x)',
      'k = heads(ctx)',
    ], false],
  ];

  const NO_AUTOCAST: AnalysisSettings = { ...SETTINGS, autocast: 'off' };
  for (const [what, body, same] of LENGTHS) {
    it(`${what}: ${same ? 'equal lengths' : 'lengths not known equal'}`, async () => {
      const sites = await sitesOfSource([
        'import torch', 'import torch.nn.functional as F', '',
        'def heads(t):', '    B, T, C = t.size()', '    return t.view(B, T, 8, 64).transpose(1, 2)', '',
        'def train_step(x, ctx, n):',
        ...body.map((line) => `    ${line}`),
        '    q, k = q.half(), k.half()',
        '    F.scaled_dot_product_attention(q, k, k, is_causal=True).sum().backward()',
      ].join('\n'), NO_AUTOCAST);
      const facts = sites[0]!.modes.train.facts;
      assert.equal(facts.shape.sameLength?.known === true && facts.shape.sameLength.value, same);
      assert.equal(outcome(callReport(sites[0]!, environmentOf(NO_AUTOCAST)).modes.train.decision).split(' ')[0], same ? 'runs' : 'depends');
    });
  }

  it("unpacks flash-attn's packed qkv and kv: q, k and v take their shape without the packed dim", async () => {
    const sites = await sitesOfSource([
      'import torch', 'from flash_attn import flash_attn_qkvpacked_func, flash_attn_kvpacked_func', '',
      'def train_step(x):', '    B, L, H, D = 2, 128, 8, 64',
      '    qkv = torch.randn(B, L, 3, H, D, dtype=torch.bfloat16)',
      '    kv = torch.randn(B, L, 2, H // 4, D, dtype=torch.bfloat16)',
      '    out = flash_attn_qkvpacked_func(qkv, causal=True) + flash_attn_kvpacked_func(qkv[:, :, 0], kv)',
      '    out.sum().backward()',
    ].join('\n'));
    assert.deepEqual(sites.map((s) => heads(s.modes.train)), ['H=8 Hkv=8 D=64 Dv=64', 'H=? Hkv=2 D=? Dv=64']);
  });
});
