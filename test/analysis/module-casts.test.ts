/**
 * Module casts (`model.half()`, `model.to(torch.bfloat16)`): PyTorch casts every floating-point
 * parameter and buffer of the module and of all its submodules, in place. Inference scripts cast the
 * whole model and then call it without autocast; before this, only the cast module's own parameters
 * took the dtype, so a submodule's `nn.Linear` read float32 and flash-attn "raised".
 */
import * as assert from 'node:assert/strict';
import { annotate, qAndMode, SETTINGS, siteAt, sitesOf, sitesOfSource } from './helpers';

const OFF = { ...SETTINGS, autocast: 'off' as const };

describe('module casts', () => {
  it('reach submodules, module lists and buffers (KV-cache decoding after model.half(), DiT sampled after .to(bfloat16))', async () => {
    assert.deepEqual(annotate(await sitesOf(['module-casts/decode.py', 'module-casts/dit.py'], OFF)), [
      "module-casts/decode.py:31:13 flash_attn_with_kvcache CachedAttention.forward",
      "  train reached=false fp32,fp32,fp32 mask=none causal=true p=0 layout=BLHD H=16 D=? → raises: FlashAttention only support fp16 and bf16 data type",
      "  infer reached=true fp16,fp16,fp16 mask=none causal=true p=0 layout=BLHD H=16 D=128 → fa2",
      "module-casts/dit.py:25:13 sdpa Attention.forward",
      "  train reached=true bf16,bf16,bf16 mask=none causal=false p=0 layout=BHLD H=16 D=72 → flash",
      "  infer reached=true bf16,bf16,bf16 mask=none causal=false p=0 layout=BHLD H=16 D=72 → flash",
    ]);
  });

  it('name the cast as the source of a cached buffer\'s dtype', async () => {
    const site = siteAt(await sitesOf(['module-casts/decode.py'], OFF), 31);
    assert.equal(site.modes.infer.facts.dtypes.k.known && site.modes.infer.facts.dtypes.k.source, 'module cast to float16');
    assert.deepEqual(qAndMode(site, 'infer')[1], '@torch.inference_mode() on generate');
  });

  it('leave a plain tensor attribute and a bool buffer as they are', async () => {
    const source = [
      'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '',
      'class A(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.qkv = nn.Linear(512, 1536)',
      '        self.gain = torch.ones(1)',
      '        self.register_buffer("keep", torch.ones(64, 64, dtype=torch.bool))',
      '',
      '    def forward(self, x):',
      '        q, k, v = self.qkv(x).view(2, 64, 3, 8, 64).permute(2, 0, 3, 1, 4).unbind(0)',
      '        return F.scaled_dot_product_attention(q * self.gain, k, v, attn_mask=self.keep)',
      '',
      '@torch.no_grad()',
      'def run(m: A, x):',
      '    m.half()',
      '    return m(x.half())',
    ].join('\n');
    const lines = annotate(await sitesOfSource(source, OFF));
    assert.deepEqual(lines.slice(2, 4), [
      "  infer reached=true fp32,fp16,fp16 mask=bool causal=false p=0 layout=? H=8 D=64 → raises: Expected query, key, and value to have the same dtype, but got query.dtype: flo…",
      "  dtype-mismatch error infer 14:47 F.scaled_dot_product_attention: \"Expected query, key, and value to have the same dtype, but got query.dtype: float key.dtype: c10::Half and value.dtype: c10::Half instead.\" — `q * self.gain` is float32 (float16 promoted with float32 (`ones` at snippet.py:9 (default dtype)) at snippet.py:14); `k` is float16 (`.half()` at snippet.py:19); `v` is float16 (`.half()` at snippet.py:19) (inference path: @torch.no_grad() on run)",
    ]);
  });
});
