/**
 * SDPA's backend switches read from source: `with sdpa_kernel(…)` regions reaching callees, the deprecated
 * `sdp_kernel(…)`, import-time and in-function `enable_*_sdp(…)` statements, `set_priority`, unknown arguments.
 * Exact annotations: each path's facts, outcome and code-lens text, and every finding.
 */
import * as assert from 'node:assert/strict';
import { AnalysisSession, analyzeFiles } from '../../extension/analysis/index';
import { annotate, readFixture, SETTINGS, sitesOf, sitesOfSource } from './helpers';

describe('analysis: SDPA backend switches', () => {
  it('a training loop forcing flash with a mask raises "No available kernel"; the sampler enabling flash and efficient runs flash', async () => {
    assert.deepEqual(annotate(await sitesOf(['sdpa-switches/model.py', 'sdpa-switches/train.py'])), [
      'sdpa-switches/model.py:19:13 sdpa Attention.forward',
      '  train reached=true bf16,bf16,bf16 mask=bool causal=false p=0 layout=BHLD H=8 D=64 → raises: No available kernel. Aborting execution.',
      '  infer reached=true bf16,bf16,bf16 mask=none causal=false p=0 layout=BHLD H=8 D=64 → flash',
      '  no-available-kernel error train 19:13 `F.scaled_dot_product_attention` raises "No available kernel. Aborting execution." on the training path: '
        + 'flash refuses it (Flash Attention does not support non-null attn_mask.) and `sdpa_kernel(SDPBackend.FLASH_ATTENTION)` at train.py:14 '
        + 'switches off cudnn, efficient and math (training path: `.backward()` in train)',
    ]);
  });

  it('an import-time enable_flash_sdp(False) reaches the module\'s functions; the deprecated sdp_kernel with an unknown flag depends on it', async () => {
    assert.deepEqual(annotate(await sitesOf(['sdpa-switches/legacy.py'])), [
      'sdpa-switches/legacy.py:8:12 sdpa attend',
      '  train reached=null fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=16 D=64 → efficient (flash off: runtime disabled)',
      '  infer reached=null fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=16 D=64 → efficient (flash off: runtime disabled)',
      'sdpa-switches/legacy.py:16:20 sdpa benchmark',
      '  train reached=null fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=16 D=64 → math? (depends on the flag of `torch.backends.cuda.sdp_kernel(…)` at legacy.py:15)',
      '  infer reached=null fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=16 D=64 → math? (depends on the flag of `torch.backends.cuda.sdp_kernel(…)` at legacy.py:15)',
    ]);
  });

  it('set_priority=True with a list held in a module variable tries cuDNN first; an unknown backend list depends on it', async () => {
    assert.deepEqual(annotate(await sitesOf(['sdpa-switches/priority.py'])), [
      'sdpa-switches/priority.py:12:13 sdpa generate',
      '  train reached=false fp32,fp32,fp32 mask=none causal=true p=0 layout=? H=16 D=64 → cudnn',
      '  infer reached=true fp32,fp32,fp32 mask=none causal=true p=0 layout=? H=16 D=64 → cudnn',
      'sdpa-switches/priority.py:14:16 sdpa generate',
      '  train reached=false bf16,bf16,bf16 mask=none causal=false p=0 layout=? H=16 D=64 → flash? (depends on the backends of `attention.sdpa_kernel(backends)` at priority.py:13)',
      '  infer reached=true bf16,bf16,bf16 mask=none causal=false p=0 layout=? H=16 D=64 → flash? (depends on the backends of `attention.sdpa_kernel(backends)` at priority.py:13)',
    ]);
  });

  it('a with region ends with its body; a statement switch holds for the rest of its path, callees and the code after an enclosing with included', async () => {
    const source = [
      'import torch',
      'import torch.nn.functional as F',
      'from torch.nn.attention import SDPBackend, sdpa_kernel',
      '',
      'def attend_math(q):',
      '    return F.scaled_dot_product_attention(q, q, q)',
      '',
      'def attend(q):',
      '    return F.scaled_dot_product_attention(q, q, q)',
      '',
      'def attend_after(q):',
      '    return F.scaled_dot_product_attention(q, q, q)',
      '',
      '@torch.no_grad()',
      'def main():',
      '    q = torch.randn(2, 8, 128, 64, device="cuda", dtype=torch.float16)',
      '    with torch.autocast("cuda", enabled=False):',
      '        with sdpa_kernel((SDPBackend.MATH,)):',
      '            attend_math(q)',
      '        attend(q)',
      '        torch.backends.cuda.enable_flash_sdp(enabled=False)',
      '        attend(q)',
      '    attend_after(q)',
      '',
    ].join('\n');
    const lines = annotate(await sitesOfSource(source));
    assert.deepEqual(lines.filter((l) => !l.startsWith('  train')), [
      'snippet.py:6:12 sdpa attend_math',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → math (flash off: runtime disabled)',
      'snippet.py:9:12 sdpa attend',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → flash? (depends on the path '
        + '(true from PyTorch\'s default: every SDPA backend is enabled, false from `torch.backends.cuda.enable_flash_sdp(enabled=False)` at snippet.py:21))',
      'snippet.py:12:12 sdpa attend_after',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → efficient? (depends on whether the caller runs under autocast)',
    ]);
  });

  it('a mask is not blamed for keeping flash off where a switch turned flash off', async () => {
    const source = [
      'import torch',
      'import torch.nn.functional as F',
      'from torch.nn.attention import SDPBackend, sdpa_kernel',
      '',
      '@torch.no_grad()',
      'def generate(pad):',
      '    q = torch.randn(2, 8, 128, 64, device="cuda", dtype=torch.float16)',
      '    with torch.autocast("cuda", enabled=False), sdpa_kernel([SDPBackend.EFFICIENT_ATTENTION]):',
      '        return F.scaled_dot_product_attention(q, q, q, attn_mask=pad.bool())',
      '',
    ].join('\n');
    assert.deepEqual(annotate(await sitesOfSource(source)).filter((l) => !l.startsWith('  train')), [
      'snippet.py:9:16 sdpa generate',
      '  infer reached=true fp16,fp16,fp16 mask=bool causal=false p=0 layout=? H=8 D=64 → efficient (flash off: runtime disabled)',
    ]);
  });
});

describe('analysis session: SDPA backend switches', () => {
  const model = readFixture('sdpa-switches/model.py');
  const train = readFixture('sdpa-switches/train.py');
  const legacy = readFixture('sdpa-switches/legacy.py');

  it('editing a switch in the caller re-decides the call in another file, as a fresh analysis does', async () => {
    const session = await AnalysisSession.create(SETTINGS);
    try {
      session.update('model.py', model);
      session.update('train.py', train);
      assert.equal(session.report('model.py').calls[0].modes.train.decision.error, 'No available kernel. Aborting execution.');
      const edited = train.replace('with sdpa_kernel(SDPBackend.FLASH_ATTENTION):', 'with sdpa_kernel([SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION]):');
      session.update('train.py', edited);
      const [fresh] = await analyzeFiles([{ path: 'model.py', text: model }, { path: 'train.py', text: edited }], SETTINGS);
      assert.deepEqual(session.report('model.py'), fresh);
      assert.deepEqual([fresh.calls[0].modes.train.decision.backend, fresh.calls[0].findings.map((f) => f.code)], ['sdpa.efficient', ['mask-disables-flash']]);
    } finally {
      session.dispose();
    }
  });

  it('removing an import-time switch re-decides the module\'s functions', async () => {
    const session = await AnalysisSession.create(SETTINGS);
    try {
      session.update('legacy.py', legacy);
      assert.equal(session.report('legacy.py').calls[0].modes.infer.decision.backend, 'sdpa.efficient');
      session.update('legacy.py', legacy.replace('torch.backends.cuda.enable_flash_sdp(False)\n', ''));
      assert.equal(session.report('legacy.py').calls[0].modes.infer.decision.backend, 'sdpa.flash');
    } finally {
      session.dispose();
    }
  });
});
