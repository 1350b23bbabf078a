/**
 * Training frameworks that hand the model back (frameworks.ts): Accelerate's `prepare` /
 * `prepare_model` / `unwrap_model` / `autocast()`, Lightning Fabric's `setup` / `autocast()`,
 * DeepSpeed's engine. The returned model reaches the model's calls on the script's path, in the
 * framework's mixed precision, and each fact says where that came from. Exact annotations.
 */
import * as assert from 'node:assert/strict';
import type { CallSite } from '../../extension/analysis/call-facts/call-sites';
import { annotate, qAndMode, sitesOf, sitesOfSource } from './helpers';

const DIR = 'framework-wrappers';

/** The (one) flash-attn call of model.py analysed with the script named. */
async function withScript(script: string): Promise<CallSite> {
  const sites = await sitesOf([`${DIR}/model.py`, `${DIR}/${script}`]);
  assert.equal(sites.length, 1);
  return sites[0]!;
}

const SITE = 'framework-wrappers/model.py:19:13 flash_attn_func Attention.forward';

describe('analysis: training frameworks that hand the model back', () => {
  it('Accelerate: `accelerator.prepare(model, optimizer, loader)` runs the model under bf16 autocast in the loop; `unwrap_model(…, keep_fp32_wrapper=False)` inside `accelerator.autocast()` in the evaluation', async () => {
    const site = await withScript('finetune_accelerate.py');
    assert.deepEqual(annotate([site]), [
      SITE,
      '  train reached=true bf16,bf16,bf16 mask=none causal=true p=0.1 layout=BLHD H=12 D=64 → fa2',
      '  infer reached=true bf16,bf16,bf16 mask=none causal=true p=0 layout=BLHD H=12 D=64 → fa2',
    ]);
    assert.deepEqual(qAndMode(site, 'train'), [
      'bfloat16 from `linear` at model.py:18 runs in bfloat16 under autocast (Accelerate\'s autocast around the forward of the model prepared at finetune_accelerate.py:13, '
        + '`mixed_precision="bf16"` at finetune_accelerate.py:9)',
      '`.backward()` at module level of finetune_accelerate.py',
    ]);
    assert.deepEqual(qAndMode(site, 'infer'), [
      'bfloat16 from `linear` at model.py:18 runs in bfloat16 under autocast (`accelerator.autocast()` at finetune_accelerate.py:24, `mixed_precision="bf16"` at finetune_accelerate.py:9)',
      '`torch.no_grad()` at finetune_accelerate.py:24',
    ]);
  });

  it('Lightning Fabric: `fabric.setup(model, optimizer)` with "16-mixed" runs the model under fp16 autocast; validation calls `model.module` inside `fabric.autocast()`', async () => {
    const site = await withScript('fabric_train.py');
    assert.deepEqual(annotate([site]), [
      SITE,
      '  train reached=true fp16,fp16,fp16 mask=none causal=true p=0.1 layout=BLHD H=8 D=64 → fa2',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=true p=0 layout=BLHD H=8 D=64 → fa2',
    ]);
    assert.deepEqual(qAndMode(site, 'train'), [
      'float16 from `linear` at model.py:18 runs in float16 under autocast (Fabric\'s autocast around the forward of the model set up at fabric_train.py:20, `precision="16-mixed"` at fabric_train.py:16)',
      '`.backward()` in main',
    ]);
    assert.deepEqual(qAndMode(site, 'infer'), [
      'float16 from `linear` at model.py:18 runs in float16 under autocast (`fabric.autocast()` at fabric_train.py:11, `precision="16-mixed"` at fabric_train.py:16)',
      '`torch.no_grad()` at fabric_train.py:11',
    ]);
  });

  it('DeepSpeed: the engine calls the model on the training path; its precision is in a config the analysis does not read, and the dtypes say so', async () => {
    const site = await withScript('deepspeed_train.py');
    const why = 'the precision of the DeepSpeed engine made at deepspeed_train.py:13: the DeepSpeed config passed as `args` sets it, and the analysis does not read it';
    assert.deepEqual(annotate([site]), [
      SITE,
      `  train reached=true ?,?,? mask=none causal=true p=0.1 layout=BLHD H=16 D=64 → fa2? (depends on ${why})`,
      '  infer reached=false ?,?,? mask=none causal=true p=0 layout=BLHD H=? D=? → raises: FlashAttention only support fp16 and bf16 data type without autocast · fa2 under float16 or bfloat16 autocast, if `self.head_dim` is ≤ 256 · raises: FlashAttention forward only supports head dimension at most 256 under float16 or bfloat16 autocast, if `self.head_dim` is > 256',
    ]);
    assert.deepEqual(qAndMode(site, 'train'), [`depends on ${why}`, '`.backward()` in train']);
  });

  it('a trainer class keeps the prepared model on `self`; an `Accelerator()` without a mixed precision leaves the dtypes to the launcher', async () => {
    const site = await withScript('trainer.py');
    const why = 'the mixed precision of `Accelerator(…)` at trainer.py:11 (not given in the code: `accelerate launch` or the Accelerate config sets it)';
    assert.deepEqual(annotate([site]), [
      SITE,
      `  train reached=true ?,?,? mask=none causal=true p=0.1 layout=BLHD H=8 D=64 → fa2? (depends on ${why})`,
      '  infer reached=false ?,?,? mask=none causal=true p=0 layout=BLHD H=? D=? → raises: FlashAttention only support fp16 and bf16 data type without autocast · fa2 under float16 or bfloat16 autocast, if `self.head_dim` is ≤ 256 · raises: FlashAttention forward only supports head dimension at most 256 under float16 or bfloat16 autocast, if `self.head_dim` is > 256',
    ]);
    assert.deepEqual(qAndMode(site, 'train'), [`depends on ${why}`, '`.backward()` in Trainer.training_step']);
  });

  it('`prepare_model(…)` with one argument gives the model; an `Accelerator` imported from another library is not Accelerate\'s', async () => {
    assert.deepEqual(annotate(await sitesOfSource(script('from accelerate import Accelerator', 'prepare_model'))), [
      'snippet.py:13:16 sdpa Attn.forward',
      '  train reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → flash',
      '  infer reached=false ?,?,? mask=none causal=false p=0 layout=? H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
    ]);
    assert.deepEqual(annotate(await sitesOfSource(script('from my_cluster.dist import Accelerator', 'prepare'))), [
      'snippet.py:13:16 sdpa Attn.forward',
      '  train reached=null ?,?,? mask=none causal=false p=0 layout=? H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
      '  infer reached=null ?,?,? mask=none causal=false p=0 layout=? H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
    ]);
  });
});

/** A module-level training script that prepares its model with `accelerator.<method>(…)`, `Accelerator` imported by `importLine`. */
function script(importLine: string, method: string): string {
  return `import torch
import torch.nn.functional as F
${importLine}


class Attn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = torch.nn.Linear(512, 512)

    def forward(self, x):
        q = self.proj(x).view(4, 128, 8, 64).transpose(1, 2)
        return F.scaled_dot_product_attention(q, q, q)


accelerator = Accelerator(mixed_precision="fp16")
model = accelerator.${method}(Attn())
loss = model(torch.randn(4, 128, 512)).sum()
accelerator.backward(loss)
`;
}
