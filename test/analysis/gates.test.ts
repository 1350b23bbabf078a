/**
 * The code's own gates as a table: a condition in front of an attention call → whether the
 * training and inference paths reach it (true / false / null = depends on a setting or argument).
 */
import * as assert from 'node:assert/strict';
import type { AnalysisSettings } from '../../extension/analysis/report';
import { resolveLineMarks } from '../../extension/analysis/syntax/positions';
import { callReport, environmentOf } from '../../extension/analysis/reporting/build-report';
import { dtypes, outcome, SETTINGS, sitesOf, sitesOfSource } from './helpers';

function program(cond: string): string {
  return [
    'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F',
    'try:', '    from flash_attn import flash_attn_func', 'except ImportError:', '    flash_attn_func = None', '',
    'class Attn(nn.Module):', '    def __init__(self, use_flash=True):', '        super().__init__()',
    '        self.use_flash = use_flash and flash_attn_func is not None', '        self.drop = 0.1', '',
    '    def forward(self, q, k, v, bias=None):', '        q16 = q.half()',
    `        if ${cond}:`, '            return flash_attn_func(q16, q16, q16)', '        return None', '',
    'def train_step(m: Attn, q, k, v, b):', '    m(q, k, v, torch.zeros(4, 4)).sum().backward()', '',
    '@torch.no_grad()', 'def generate(m: Attn, q, k, v):', '    return m(q, k, v)',
  ].join('\n');
}

const INSTALLED: AnalysisSettings = { ...SETTINGS, installed: { flash_attn: true, xformers: null } };
const MISSING: AnalysisSettings = { ...SETTINGS, installed: { flash_attn: false, xformers: null } };

const TABLE: readonly [string, AnalysisSettings, boolean | null, boolean | null][] = [
  ['bias is None', SETTINGS, false, true],
  ['bias is not None', SETTINGS, true, false],
  ['self.training', SETTINGS, true, false],
  ['not self.training and bias is None', SETTINGS, false, true],
  ['self.use_flash', SETTINGS, null, null],
  ['self.use_flash', INSTALLED, true, true],
  ['self.use_flash', MISSING, false, false],
  ['self.use_flash and bias is None', INSTALLED, false, true],
  ['self.use_flash and q16.dtype != torch.float32', INSTALLED, true, true],
  ['q16.dtype == torch.float32', INSTALLED, false, false],
  ['self.drop > 0 or bias is None', SETTINGS, true, true],
  ['q.dtype == torch.float16', SETTINGS, null, null],
  ["hasattr(F, 'scaled_dot_product_attention')", SETTINGS, true, true],
];

describe('gate evaluation', () => {
  for (const [cond, settings, train, infer] of TABLE) {
    const setting = settings.installed.flash_attn === null ? '' : ` (flash_attn ${settings.installed.flash_attn ? 'installed' : 'missing'})`;
    it(`if ${cond}${setting} → train ${train}, infer ${infer}`, async () => {
      const sites = await sitesOfSource(program(cond), settings);
      assert.equal(sites.length, 1);
      assert.deepEqual([sites[0].modes.train.reached, sites[0].modes.infer.reached], [train, infer]);
    });
  }

  it('lists each path that reaches a call on assumptions, not one conjunction of them all', async () => {
    const sites = await sitesOfSource([
      'import torch', 'import torch.nn.functional as F',
      'try:', '    from flash_attn import flash_attn_func', 'except ImportError:', '    flash_attn_func = None',
      'try:', '    import xformers.ops as xops', 'except ImportError:', '    xops = None', '',
      'def attend(q, k, v):',
      '    if flash_attn_func is not None and q.dtype != torch.float32:', '        return flash_attn_func(q, k, v)',
      '    if xops is not None:', '        return xops.memory_efficient_attention(q, k, v)',
      '    return F.scaled_dot_product_attention(q, k, v)',
    ].join('\n'));
    assert.deepEqual(sites.map((s) => s.modes.infer.assumed), [
      ['flash_attn is installed and not (q.dtype == torch.float32)'],
      ['flash_attn is installed and q.dtype == torch.float32 and xformers is installed', 'flash_attn is not installed and xformers is installed'],
      ['flash_attn is installed and q.dtype == torch.float32 and xformers is not installed', 'flash_attn is not installed and xformers is not installed'],
    ]);
  });

  it('takes a library imported without an ImportError guard as installed wherever the code runs', async () => {
    const sites = await sitesOfSource([
      'import torch', 'from flash_attn import flash_attn_func',
      'try:', '    import xformers.ops as xops', 'except ImportError:', '    xops = None', '',
      'def train_step():',
      '    B, L, H, D = 2, 128, 8, 64',
      '    q = k = v = torch.randn(B, L, H, D, dtype=torch.float16)',
      '    out = flash_attn_func(q, k, v) + xops.memory_efficient_attention(q, k, v)',
      '    out.sum().backward()',
    ].join('\n'));
    const reports = sites.map((s) => callReport(s, environmentOf(SETTINGS)).modes.train.decision);
    assert.deepEqual(reports.map(outcome), ['runs flash_attn.fa2', 'depends xformers.fa2']);
    assert.deepEqual(sites.map((s) => s.modes.train.installed), [
      { flash_attn: { value: true, why: 'flash_attn is installed wherever this runs: `flash_attn.flash_attn_func` is imported without an ImportError guard' } },
      {},
    ]);
  });

  it("keeps a sampler's facts for a method named like inference: the training mirror run does not start a second inference path", async () => {
    const [site] = await sitesOfSource([
      'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '',
      'class Captioner(nn.Module):', '    def __init__(self, dim=512, heads=8):', '        super().__init__()',
      '        self.heads = heads', '        self.qkv = nn.Linear(dim, 3 * dim)', '',
      '    def generate(self, x):', '        B, L, C = x.shape',
      '        q, k, v = self.qkv(x).view(B, L, 3, self.heads, C // self.heads).permute(2, 0, 3, 1, 4).unbind(0)',
      '        return F.scaled_dot_product_attention(q, k, v, dropout_p=0.1 if self.training else 0.0)', '',
      '@torch.no_grad()', 'def caption_images(model: Captioner, images):',
      '    with torch.autocast("cuda", dtype=torch.float16):', '        return model.generate(images.half())',
    ].join('\n'));
    assert.deepEqual([site.modes.train.reached, site.modes.infer.reached], [false, true]);
    assert.equal(dtypes(site.modes.infer), 'fp16,fp16,fp16');
    assert.equal(site.modes.train.facts.dropout.known && site.modes.train.facts.dropout.value, 0.1);
  });

  it('reads attributes a base class sets in super().__init__ and calls super().forward', async () => {
    const sites = await sitesOfSource([
      'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '',
      'class Base(nn.Module):', '    def __init__(self, causal=True):', '        super().__init__()', '        self.causal = causal', '',
      '    def forward(self, q, k, v):', '        if self.causal:', '            return F.scaled_dot_product_attention(q, k, v, is_causal=True)',
      '        return F.scaled_dot_product_attention(q, k, v)', '',
      'class Child(Base):', '    def __init__(self):', '        super().__init__(causal=False)', '',
      '    def forward(self, q, k, v):', '        return super().forward(q.half(), k.half(), v.half())', '',
      'def train_step(m: Child, q, k, v):', '    m(q, k, v).sum().backward()',
    ].join('\n'));
    assert.deepEqual(sites.map((s) => `${s.span.line} ${s.modes.train.reached} ${resolveLineMarks(s.modes.train.deadBy?.why ?? '')}`), [
      '12 false `self.causal` is False (False at snippet.py:17)', '13 true ',
    ]);
  });

  it('says which condition an undecided flag depends on', async () => {
    const source = [
      'import torch.nn.functional as F', '',
      'def attend(q, k, v, mask, causal):',
      '    return F.scaled_dot_product_attention(q, k, v, is_causal=causal and mask is None)',
    ].join('\n');
    const [site] = await sitesOfSource(source);
    const causal = site!.modes.train.facts.causal;
    assert.equal(causal.known ? causal.value : causal.dependsOn, 'whether causal and mask is None');
  });

  it('says why a path cannot take a branch', async () => {
    const [site] = await sitesOfSource(program('self.use_flash and bias is None'), INSTALLED);
    assert.equal(resolveLineMarks(site.modes.train.deadBy?.why ?? ''), '`bias` is a float32 tensor (`zeros` at snippet.py:22)');
  });

  it('names the unresolved call through which a training loop may reach a call only sampling is shown to reach', async () => {
    const [site] = await sitesOf(['opaque_loop.py']);
    assert.deepEqual([site.modes.train.reached, site.modes.infer.reached], [null, true]);
    assert.deepEqual(site.modes.train.assumed.map((a) => resolveLineMarks(a)), [
      "`self.mixer(…)` at opaque_loop.py:30 runs it (a callable the code does not resolve) and `x` is a float32 tensor (assumed: CausalMixer.forward's input from no caller in these files)",
    ]);
  });
});
