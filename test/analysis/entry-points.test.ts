/**
 * Entry points with unknown inputs (#13 items 2 and 3): a module's forward that no code in the files
 * calls gets float32 tensors for its inputs, stated as an assumption in the text, the hover and the
 * JSON; a constructor default some call of the class passes is not a fact; an unresolved callable
 * stands for a model only where it is applied like one.
 */
import * as assert from 'node:assert/strict';
import type { AnalysisSettings } from '../../extension/analysis/report';
import { callReport, environmentOf } from '../../extension/analysis/reporting/build-report';
import { resolveLineMarks } from '../../extension/analysis/syntax/positions';
import { formatText } from '../../extension/cli/format/text';
import { toJsonReport } from '../../extension/cli/format/json';
import { annotate, SETTINGS, sitesOf, sitesOfSource } from './helpers';

const NO_AUTOCAST: AnalysisSettings = { ...SETTINGS, autocast: 'off' };
const BLOCKS = 'entry-points/vit_blocks.py';
const ASSUMED_ENCODER_X = "`x` is a float32 tensor (assumed: Encoder.forward's input from no caller in these files)";

describe('entry points with unknown inputs', () => {
  it('takes a forward\'s input from no caller as a float32 tensor, and a default a builder passes as unknown', async () => {
    assert.deepEqual(annotate(await sitesOf([BLOCKS], NO_AUTOCAST)), [
      'entry-points/vit_blocks.py:20:17 sdpa SelfAttention.forward',
      '  train reached=null fp32,fp32,fp32 mask=none causal=false p=0 layout=BHLD H=8 D=? → efficient (flash off: float32) if `self.head_dim` is a multiple of 4 · math (flash off: float32) if `self.head_dim` is not a multiple of 4',
      '  infer reached=null fp32,fp32,fp32 mask=none causal=false p=0 layout=BHLD H=8 D=? → efficient (flash off: float32) if `self.head_dim` is a multiple of 4 · math (flash off: float32) if `self.head_dim` is not a multiple of 4',
      'entry-points/vit_blocks.py:23:17 manual SelfAttention.forward',
      '  train reached=null fp32,fp32,fp32 mask=none causal=false p=0 layout=BHLD H=8 D=? → math',
      '  infer reached=null fp32,fp32,fp32 mask=none causal=false p=0 layout=BHLD H=8 D=? → math',
      '  manual-attention information - 23:17 Hand-written attention materialises the L×L score matrix; `F.scaled_dot_product_attention((q * self.head_dim ** -0.5), k, v, scale=1.0)` computes the same fused (flash or memory-efficient kernel)',
    ]);
  });

  it('states the assumption in the JSON, the text and the dtype\'s source', async () => {
    const [fused] = await sitesOf([BLOCKS], NO_AUTOCAST);
    const report = callReport(fused!, environmentOf(NO_AUTOCAST));
    const resolved = (xs: readonly string[] | undefined): string[] => (xs ?? []).map((a) => resolveLineMarks(a));
    // SelfAttention is reached through the Encoder that builds it, not also on its own (runUnreached).
    assert.deepEqual(resolved(report.modes.infer.assumed), [`self.fused_attn and ${ASSUMED_ENCODER_X}`]);
    const q = report.modes.infer.facts.dtypes.q;
    assert.equal(q.known ? resolveLineMarks(q.source) : q.dependsOn, ASSUMED_ENCODER_X);
    const json = toJsonReport([{ path: BLOCKS, parseErrors: [], calls: [report], internalErrors: [] }]);
    assert.deepEqual(resolved(json.files[0]!.calls[0]!.modes.infer.assumed), resolved(report.modes.infer.assumed));
    const text = resolveLineMarks(formatText([{ path: BLOCKS, parseErrors: [], calls: [report], internalErrors: [] }], { color: false }));
    assert.ok(text.includes(`[if self.fused_attn and ${ASSUMED_ENCODER_X}]`), text);
  });

  it('assumes floating tensors only: not labels, token ids or sizes', async () => {
    const source = [
      'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '',
      'class Captioner(nn.Module):',
      '    def forward(self, labels, images: torch.Tensor, tokens: torch.LongTensor, H, use_cache):',
      '        return F.scaled_dot_product_attention(images, images, images)',
    ].join('\n');
    const [site] = await sitesOfSource(source, NO_AUTOCAST);
    assert.deepEqual(site!.modes.infer.assumed.map((a) => resolveLineMarks(a)), [
      "`images` is a float32 tensor (assumed: Captioner.forward's input from no caller in these files)",
    ]);
  });

  it('leaves the inputs unknown with --assume-inputs none', async () => {
    const [fused] = await sitesOf([BLOCKS], { ...NO_AUTOCAST, assumeInputs: 'none' });
    assert.deepEqual(annotate([fused!]).slice(1), [
      '  train reached=null ?,?,? mask=none causal=false p=0 layout=BHLD H=8 D=? → flash? (depends on the argument `x` of Encoder.forward) if `self.head_dim` is ≤ 256 · efficient? (depends on the argument `x` of Encoder.forward) if `self.head_dim` is > 256',
      '  infer reached=null ?,?,? mask=none causal=false p=0 layout=BHLD H=8 D=? → flash? (depends on the argument `x` of Encoder.forward) if `self.head_dim` is ≤ 256 · efficient? (depends on the argument `x` of Encoder.forward) if `self.head_dim` is > 256',
    ]);
    assert.deepEqual(fused!.modes.infer.assumed.map((a) => resolveLineMarks(a)), ['self.fused_attn']);
  });

  it('takes a model applied to a batch in a training loop as the workspace\'s modules', async () => {
    const [fused] = await sitesOf([BLOCKS, 'entry-points/train_loop.py'], NO_AUTOCAST);
    assert.deepEqual(fused!.modes.train.assumed.map((a) => resolveLineMarks(a)), [
      `\`model(…)\` at train_loop.py:17 runs it (a callable the code does not resolve) and self.fused_attn and ${ASSUMED_ENCODER_X}`,
    ]);
  });

  it('does not take a predicate a training function calls for a model', async () => {
    const [fused] = await sitesOf([BLOCKS, 'entry-points/finetune.py'], NO_AUTOCAST);
    assert.deepEqual(fused!.modes.train.assumed.map((a) => resolveLineMarks(a)), [`self.fused_attn and ${ASSUMED_ENCODER_X}`]);
  });

  it('does not take a library\'s object applied to a tensor, nor a logger whose message says "output", for a workspace model', async () => {
    for (const other of ['entry-points/audio_features.py', 'entry-points/log_messages.py']) {
      const [fused] = await sitesOf([BLOCKS, other], NO_AUTOCAST);
      assert.deepEqual(fused!.modes.infer.assumed.map((a) => resolveLineMarks(a)), [`self.fused_attn and ${ASSUMED_ENCODER_X}`], other);
    }
  });

  it('keeps a constructor default no call passes, not one a builder passes from its config', async () => {
    const source = (passing: string): string => [
      'import torch.nn as nn', 'import torch.nn.functional as F', '',
      'class Net(nn.Module):', '    def __init__(self, use_flash=False):', '        super().__init__()', '        self.use_flash = use_flash', '',
      '    def forward(self, q, k, v):', '        if self.use_flash:', '            return F.scaled_dot_product_attention(q, k, v)', '        return q', '',
      passing,
    ].join('\n');
    const [kept] = await sitesOfSource(source('def build(cfg):\n    return Net()'), NO_AUTOCAST);
    assert.equal(kept!.modes.infer.reached, false);
    assert.equal(resolveLineMarks(kept!.modes.infer.deadBy?.why ?? ''), '`self.use_flash` is False (False at snippet.py:5)');
    const [passed] = await sitesOfSource(source('def build(cfg):\n    return Net(use_flash=cfg.flash)'), NO_AUTOCAST);
    assert.equal(passed!.modes.infer.reached, null);
    assert.deepEqual(passed!.modes.infer.assumed.map((a) => resolveLineMarks(a)).map((a) => a.split(' and ')[0]), ['self.use_flash']);
  });
});
