/**
 * SDPA's backend switches read from source: `with sdpa_kernel(…)` regions reaching callees, the deprecated
 * `sdp_kernel(…)`, import-time and in-function `enable_*_sdp(…)` statements, `set_priority`, unknown arguments;
 * switches left by callees and constructors, and by the modules a module imports.
 * Exact annotations: each path's facts, outcome and code-lens text, and every finding.
 */
import * as assert from 'node:assert/strict';
import { AnalysisSession, analyzeFiles } from '../../extension/analysis/index';
import { callReport, environmentOf } from '../../extension/analysis/reporting/build-report';
import type { CallSite } from '../../extension/analysis/call-facts/call-sites';
import type { FileReport } from '../../extension/analysis/report';
import type { Decision } from '../../runtime/dispatch/decision';
import { Workspace } from '../../extension/analysis/session/workspace';
import { annotate, readFixture, SETTINGS, sitesOf, sitesOfSource } from './helpers';

/** Why the policy rejects flash on the inference path (the switch named in full, where the code lens abbreviates it). */
function flashOffBecause(site: CallSite): readonly string[] | undefined {
  return callReport(site, environmentOf(SETTINGS)).modes.infer.decision.verdicts.find((v) => v.backend === 'sdpa.flash')?.reasons;
}

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
      '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → efficient (flash off: runtime disabled)',
    ]);
  });

  it('the deprecated sdp_kernel with its flags from a table keyed by SDPBackend (the SDPA tutorial\'s), and from one the code does not settle', async () => {
    const source = [
      'import torch', 'import torch.nn.functional as F', 'from torch.backends.cuda import SDPBackend, sdp_kernel', '',
      'def main(extra):',
      '    q = torch.rand(2, 8, 128, 64, device="cuda", dtype=torch.float16)',
      '    flags = {SDPBackend.MATH: {"enable_math": True, "enable_flash": False, "enable_mem_efficient": False}}',
      '    with sdp_kernel(**flags[SDPBackend.MATH]):',
      '        a = F.scaled_dot_product_attention(q, q, q)',
      '    with sdp_kernel(enable_math=True, **extra):',
      '        b = F.scaled_dot_product_attention(q, q, q)',
      '    return a + b',
      '',
    ].join('\n');
    const lines = annotate(await sitesOfSource(source)).filter((l) => !l.startsWith('  train'));
    assert.deepEqual(lines, [
      'snippet.py:9:13 sdpa main',
      '  infer reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → math (flash off: runtime disabled)',
      'snippet.py:11:13 sdpa main',
      // A flag the splat may set is open, not on.
      '  infer reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → flash? (depends on the flags `sdp_kernel(enable_math=True, **extra)` at snippet.py:10 unpacks)',
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
  it('switches a callee sets hold after it returns: no kernel left for a masked call, a conditional switch, a region in the callee that does not leak, a constructor\'s switch', async () => {
    const sites = await sitesOf(['sdpa-switches/backends.py', 'sdpa-switches/encoder.py', 'sdpa-switches/launch.py']);
    assert.deepEqual(annotate(sites), [
      'sdpa-switches/backends.py:28:16 sdpa probe_math',
      '  train reached=false ?,?,? mask=none causal=false p=0 layout=? H=? D=? → math? (depends on the argument `q` of probe_math)',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → math (flash off: runtime disabled)',
      'sdpa-switches/encoder.py:21:16 sdpa Encoder.forward',
      '  train reached=false ?,?,? mask=none causal=false p=0 layout=BHLD H=4 D=64 → efficient (flash off: runtime disabled)',
      '  infer reached=true bf16,bf16,bf16 mask=none causal=false p=0 layout=BHLD H=4 D=64 → efficient (flash off: runtime disabled)',
      'sdpa-switches/launch.py:9:12 sdpa attend',
      '  train reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → flash',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → math (flash off: runtime disabled)',
      'sdpa-switches/launch.py:22:16 sdpa benchmark',
      '  train reached=false fp16,fp16,fp16 mask=bool causal=false p=0 layout=? H=8 D=64 → raises: No available kernel. Aborting execution.',
      '  infer reached=true fp16,fp16,fp16 mask=bool causal=false p=0 layout=? H=8 D=64 → raises: No available kernel. Aborting execution.',
      '  no-available-kernel error infer 22:16 `F.scaled_dot_product_attention` raises "No available kernel. Aborting execution." on the inference path: '
        + 'flash refuses it (Flash Attention does not support non-null attn_mask.), '
        + '`torch.backends.cuda.enable_cudnn_sdp(False)` at backends.py:10, in `flash_only` called at launch.py:18 switches off cudnn, '
        + '`torch.backends.cuda.enable_mem_efficient_sdp(False)` at backends.py:8, in `flash_only` called at launch.py:18 switches off efficient and '
        + '`torch.backends.cuda.enable_math_sdp(False)` at backends.py:9, in `flash_only` called at launch.py:18 switches off math '
        + '(inference path: @torch.no_grad() on benchmark)',
      'sdpa-switches/launch.py:29:15 sdpa train_step',
      '  train reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → efficient? (depends on `cfg.deterministic` '
        + '(`torch.backends.cuda.enable_mem_efficient_sdp(False)` at backends.py:16), in `configure_backends` called at launch.py:26)',
      '  infer reached=false fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → efficient? (depends on `cfg.deterministic` '
        + '(`torch.backends.cuda.enable_mem_efficient_sdp(False)` at backends.py:16), in `configure_backends` called at launch.py:26)',
      'sdpa-switches/launch.py:54:16 sdpa validate',
      '  train reached=false fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → flash',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → flash',
    ]);
    assert.deepEqual(flashOffBecause(sites[1]!), [
      'Flash attention has been runtime disabled. (`torch.backends.cuda.enable_flash_sdp(False)` at encoder.py:13, in `Encoder.__init__` called at launch.py:59)',
    ]);
  });

  it('a module-level switch holds in the modules that import it, from the import on', async () => {
    const sites = await sitesOf(['sdpa-switches/defaults.py', 'sdpa-switches/evaluate.py']);
    assert.deepEqual(annotate(sites), [
      'sdpa-switches/evaluate.py:8:12 sdpa score',
      '  train reached=false ?,?,? mask=none causal=true p=0 layout=? H=? D=? → efficient? (depends on the argument `q` of score)',
      '  infer reached=true bf16,bf16,bf16 mask=none causal=true p=0 layout=? H=8 D=64 → efficient (flash off: runtime disabled)',
    ]);
    assert.deepEqual(flashOffBecause(sites[0]!), [
      'Flash attention has been runtime disabled. (`torch.backends.cuda.enable_flash_sdp(False)` at defaults.py:5, run by `import defaults` at evaluate.py:4)',
    ]);
  });

  it('an import of a library module is not taken for a workspace module of the same name', async () => {
    const ws = await Workspace.create(SETTINGS);
    try {
      ws.update('models/attention.py', 'import torch\ntorch.backends.cuda.enable_flash_sdp(False)\n');
      const run = (extra: string): string => [
        'import torch', 'import torch.nn.functional as F', 'from torch.nn.attention import sdpa_kernel', extra, '',
        '@torch.no_grad()', 'def go():', '    q = torch.randn(1, 8, 128, 64, device="cuda", dtype=torch.float16)',
        '    with torch.autocast("cuda", enabled=False):', '        return F.scaled_dot_product_attention(q, q, q)', '',
      ].join('\n');
      const infer = (): string => annotate(ws.callSites())[2]!;
      ws.update('run.py', run(''));
      assert.equal(infer(), '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → flash');
      ws.update('run.py', run('from models.attention import Attention'));
      assert.equal(infer(), '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → efficient (flash off: runtime disabled)');
    } finally {
      ws.dispose();
    }
  });

  it('switches left by a chain of helpers and by a constructor hold; those inside a decorator\'s sdpa_kernel region end with the call', async () => {
    const source = [
      'import torch',
      'import torch.nn.functional as F',
      'from torch.nn.attention import SDPBackend, sdpa_kernel',
      '',
      '',
      'def _no_flash():',
      '    torch.backends.cuda.enable_flash_sdp(False)',
      '',
      '',
      'def setup_backends():',
      '    _no_flash()',
      '',
      '',
      '@sdpa_kernel(SDPBackend.MATH)',
      'def reference(q):',
      '    torch.backends.cuda.enable_mem_efficient_sdp(False)',
      '    return F.scaled_dot_product_attention(q, q, q)',
      '',
      '',
      'class Trainer:',
      '    def __init__(self, dim=64):',
      '        self.dim = dim',
      '        torch.backends.cuda.enable_math_sdp(False)',
      '        torch.backends.cuda.enable_mem_efficient_sdp(False)',
      '        torch.backends.cuda.enable_cudnn_sdp(False)',
      '',
      '    def fit(self, x):',
      '        q = x.view(4, 8, 128, self.dim).half()',
      '        with torch.autocast("cuda", enabled=False):',
      '            return F.scaled_dot_product_attention(q, q, q, attn_mask=q[..., :1] > 0)',
      '',
      '',
      '@torch.no_grad()',
      'def main():',
      '    q = torch.randn(2, 8, 128, 64, device="cuda", dtype=torch.float16)',
      '    with torch.autocast("cuda", enabled=False):',
      '        reference(q)',
      '        setup_backends()',
      '        return F.scaled_dot_product_attention(q, q, q)',
      '',
    ].join('\n');
    const sites = await sitesOfSource(source);
    assert.deepEqual(annotate(sites), [
      'snippet.py:17:12 sdpa reference',
      '  train reached=false ?,?,? mask=none causal=false p=0 layout=? H=? D=? → math? (depends on the argument `q` of reference)',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → math (flash off: runtime disabled)',
      'snippet.py:30:20 sdpa Trainer.fit',
      '  train reached=true fp16,fp16,fp16 mask=bool causal=false p=0 layout=? H=8 D=64 → raises: No available kernel. Aborting execution.',
      '  infer reached=false fp16,fp16,fp16 mask=bool causal=false p=0 layout=? H=8 D=64 → raises: No available kernel. Aborting execution.',
      '  no-available-kernel error train 30:20 `F.scaled_dot_product_attention` raises "No available kernel. Aborting execution." on the training path: '
        + 'flash refuses it (Flash Attention does not support non-null attn_mask.), '
        + '`torch.backends.cuda.enable_cudnn_sdp(False)` at snippet.py:25, in `Trainer.__init__` for the `self` of Trainer.fit switches off cudnn, '
        + '`torch.backends.cuda.enable_mem_efficient_sdp(False)` at snippet.py:24, in `Trainer.__init__` for the `self` of Trainer.fit switches off efficient and '
        + '`torch.backends.cuda.enable_math_sdp(False)` at snippet.py:23, in `Trainer.__init__` for the `self` of Trainer.fit switches off math '
        + '(training path: the name `fit`)',
      'snippet.py:39:16 sdpa main',
      '  train reached=false fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → efficient (flash off: runtime disabled)',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → efficient (flash off: runtime disabled)',
    ]);
    assert.deepEqual(flashOffBecause(sites[2]!), [
      'Flash attention has been runtime disabled. (`torch.backends.cuda.enable_flash_sdp(False)` at snippet.py:7, '
        + 'in `_no_flash` called at snippet.py:11, in `setup_backends` called at snippet.py:38)',
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

  /**
   * Opens the fixtures, edits the first one (`from` → `to`), and checks that the session's report of
   * the last one equals a fresh analysis; returns the last one's report before and after the edit.
   */
  async function editFirst(names: readonly string[], from: string, to: string): Promise<[FileReport, FileReport]> {
    const files = names.map((name) => ({ path: name, text: readFixture(`sdpa-switches/${name}`) }));
    const last = names[names.length - 1]!;
    const session = await AnalysisSession.create(SETTINGS);
    try {
      for (const f of files) session.update(f.path, f.text);
      const before = session.report(last);
      files[0] = { path: names[0]!, text: files[0]!.text.replace(from, to) };
      session.update(names[0]!, files[0].text);
      const fresh = await analyzeFiles(files, SETTINGS);
      assert.deepEqual(session.report(last), fresh[fresh.length - 1]);
      return [before, fresh[fresh.length - 1]!];
    } finally {
      session.dispose();
    }
  }

  it('editing a switch inside a callee re-decides the caller\'s call in another file, as a fresh analysis does', async () => {
    const [before, after] = await editFirst(['backends.py', 'encoder.py', 'launch.py'], '    torch.backends.cuda.enable_math_sdp(False)\n', '');
    const benchmark = (r: FileReport): Decision | undefined => r.calls.find((c) => c.function === 'benchmark')?.modes.infer.decision;
    assert.deepEqual([benchmark(before)?.error, benchmark(after)?.backend], ['No available kernel. Aborting execution.', 'sdpa.math']);
  });

  it('editing a module-level switch re-decides the calls of the modules that import it', async () => {
    const [before, after] = await editFirst(['defaults.py', 'evaluate.py'], 'torch.backends.cuda.enable_flash_sdp(False)\n', '');
    assert.deepEqual([before, after].map((r) => r.calls[0]!.modes.infer.decision.backend), ['sdpa.efficient', 'sdpa.flash']);
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
