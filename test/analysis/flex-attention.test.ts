/**
 * FlexAttention: found as an attention call; fused under `torch.compile` (the function compiled,
 * `torch.compile(module)` called, or a `@torch.compile` caller), else PyTorch's unfused reference
 * path and the `flex-eager` finding with PyTorch's own fix, `torch.compile(flex_attention)(…)`.
 */
import * as assert from 'node:assert/strict';
import { callReport, environmentOf } from '../../extension/analysis/reporting/build-report';
import { describeDecision } from '../../runtime/dispatch/describe';
import { annotate, applyEdits, readFixture, SETTINGS, siteAt, sitesOf, sitesOfSource } from './helpers';

const EAGER_WARNING = 'flex_attention called without torch.compile() - this will use an unfused implementation that materializes the full scores matrix instead of generating a fused kernel.';

describe('analysis: FlexAttention', () => {
  it('is fused where compiled and eager where not, with a finding on the eager call', async () => {
    assert.deepEqual(annotate(await sitesOf(['flex-attention/flex_model.py'])), [
      'flex-attention/flex_model.py:23:17 flex_attention Block.forward',
      '  train reached=true bf16,bf16,bf16 mask=library causal=false p=0 layout=BHLD H=8 D=64 → compiled',
      '  infer reached=false ?,?,? mask=library causal=false p=0 layout=BHLD H=8 D=64 → compiled',
      'flex-attention/flex_model.py:24:16 flex_attention Block.forward',
      '  train reached=true bf16,bf16,bf16 mask=library causal=false p=0 layout=BHLD H=8 D=64 → eager (compiled off: without torch.compile)',
      '  infer reached=false ?,?,? mask=library causal=false p=0 layout=BHLD H=8 D=64 → compiled? (depends on whether its caller is compiled (`torch.compile`))',
      '  flex-eager warning train 24:16 flex_attention runs without torch.compile on the training path (no `torch.compile` around it (`.backward()` in train_step)): '
        + `PyTorch runs its unfused reference implementation, materialising the L×S scores; PyTorch 2.9 warns: "${EAGER_WARNING}"`,
    ]);
  });

  it('runs compiled inside a module passed to torch.compile and under a @torch.compile(…) caller', async () => {
    assert.deepEqual(annotate(await sitesOf(['flex-attention/compiled_module.py'])), [
      'flex-attention/compiled_module.py:8:16 flex_attention Attn.forward',
      '  train reached=true bf16,bf16,bf16 mask=none causal=false p=0 layout=? H=8 D=64 → compiled',
      '  infer reached=true bf16,bf16,bf16 mask=none causal=false p=0 layout=? H=8 D=64 → compiled',
    ]);
    const sites = await sitesOf(['flex-attention/compiled_module.py']);
    const report = callReport(siteAt(sites, 8), environmentOf(SETTINGS));
    assert.deepEqual((['train', 'infer'] as const).map((m) => report.modes[m].facts.compiled), [
      { known: true, value: true, source: '`torch.compile(attn)` at compiled_module.py:18' },
      { known: true, value: true, source: '`@torch.compile(mode="max-autotune")` at compiled_module.py:11' },
    ]);
  });

  it('fixes the eager call the way PyTorch advises: torch.compile(flex_attention)(…)', async () => {
    const sites = await sitesOf(['flex-attention/flex_model.py']);
    const fix = callReport(siteAt(sites, 24), environmentOf(SETTINGS)).findings[0]!.fix!;
    assert.equal(fix.title, 'Call torch.compile(flex_attention)(…)');
    assert.equal(applyEdits(readFixture('flex-attention/flex_model.py'), fix.edits).split('\n')[23],
      '        return torch.compile(flex_attention)(fused, k, v, block_mask=block_mask)');
  });

  it('raises PyTorch\'s checks before any kernel; a function nobody calls may have a compiled caller', async () => {
    const source = [
      'import torch',
      'from torch.nn.attention.flex_attention import flex_attention',
      '',
      'def attend(x):',
      '    q = torch.randn(2, 32, 128, 64, dtype=torch.float16)',
      '    k = torch.randn(2, 8, 128, 64, dtype=torch.float16)',
      '    return flex_attention(q, k, k), flex_attention(q, k, k, enable_gqa=True), flex_attention(q, k.float(), k)',
    ].join('\n');
    const sites = await sitesOfSource(source);
    const reports = sites.map((s) => callReport(s, environmentOf(SETTINGS)));
    assert.deepEqual(reports.map((r) => r.modes.infer.decision.error ?? describeDecision(r.modes.infer.decision)), [
      'Expect query and key/value to have the same number of heads but got Hq=32 and Hkv=8. Try setting enable_gqa=True for GQA.',
      'compiled? (depends on whether its caller is compiled (`torch.compile`))',
      'Expected query, key, and value to have the same dtype, but got query.dtype: torch.float16, key.dtype: torch.float32, and value.dtype: torch.float16 instead.',
    ]);
    assert.deepEqual(reports[2]!.findings.map((f) => [f.code, f.severity, f.fix?.title]), [['dtype-mismatch', 'error', 'Cast k.float() → k.dtype (float16)']]);
  });
});
