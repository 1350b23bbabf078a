/**
 * Bool masks built the way sliding-window and padding masks are: `torch.arange` positions compared
 * (`j <= i`, `j > i - window`, `0 < i`), combined with `&`, `|`, `~` and `torch.logical_*`. Before,
 * `torch.arange` was an unknown value, so such a mask (Mistral's sliding window) read as "depends on
 * `(j <= i) & (j > i - window)`" and a `mask is None` gate on it stayed undecided.
 */
import * as assert from 'node:assert/strict';
import { annotate, SETTINGS, sitesOf, sitesOfSource } from './helpers';

describe('bool masks from positions (sliding window)', () => {
  it('mistral: the window mask keeps the flash-attn branch dead in training and SDPA on math with grouped heads', async () => {
    assert.deepEqual(annotate(await sitesOf(['sliding-window/mistral.py'])), [
      "sliding-window/mistral.py:40:19 flash_attn_func MistralAttention.forward",
      "  train reached=false bf16,bf16,bf16 mask=none causal=true p=0 layout=BLHD H=32 D=128 → fa2 if flash_attn is installed · raises: ModuleNotFoundError: No module named 'flash_attn' if flash_attn is not installed",
      "  infer reached=null bf16,bf16,bf16 mask=none causal=true p=0 layout=BLHD H=32 D=128 → fa2 if flash_attn is installed · raises: ModuleNotFoundError: No module named 'flash_attn' if flash_attn is not installed",
      "  dead-fast-path warning train 39:12 `flash_attn_func` is never reached on the training path: `HAS_FLASH and mask is None` is false there — `mask` is a bool tensor (`mask & (padding_mask[:, None, None, :] != 0)` at mistral.py:58); only the inference path can take this branch",
      "sliding-window/mistral.py:43:19 sdpa MistralAttention.forward",
      "  train reached=true bf16,bf16,bf16 mask=bool causal=false p=0 layout=BHLD H=32 D=128 → math (flash off: attn_mask is not None)",
      "  infer reached=null bf16,bf16,bf16 mask=none causal=false p=0 layout=BHLD H=32 D=128 → flash",
      "  mask-disables-flash information train 43:69 Flash is off on the training path: `mask` is a bool tensor (`mask & (padding_mask[:, None, None, :] != 0)` at mistral.py:58); \"Flash Attention does not support non-null attn_mask.\" — SDPA falls back to the memory-efficient or math kernel",
      "  grouped-heads warning train 43:86 enable_gqa keeps SDPA on its math kernel here on the training path: k and v have 8 heads (`self.n_kv_heads` = 8 (mistral.py:23)), q 32 (`self.n_heads` = 32 (mistral.py:23)), and the memory-efficient kernel takes no grouped heads: \"For dense input, both fused kernels require query, key and value to have the same num_heads. Query.sizes(): [?, 32, ?, 128], Key sizes(): [?, 8, ?, 128], Value sizes(): [?, 8, ?, 128] instead. To broadcast dense inputs, try using unsqueeze and expand_to before passing them into the kernel.\". Repeat k and v to q's heads before the call (repeat_kv, or k.repeat_interleave(4, dim=1)) and drop enable_gqa: the memory-efficient kernel then runs, not the math kernel's L×S score matrix",
    ]);
  });

  it('comparisons with a tensor on either side, &, |, ~ and torch.logical_* give bool masks; a float arange a float32 one', async () => {
    const source = [
      "import torch",
      "import torch.nn.functional as F",
      "",
      "",
      "def train_step(q, k, v, n: int, pad):",
      "    q, k, v = q.half(), k.half(), v.half()",
      "    i = torch.arange(n)",
      "    causal = i[None, :] <= i[:, None]",
      "    a = F.scaled_dot_product_attention(q, k, v, attn_mask=causal | ~causal)",
      "    b = F.scaled_dot_product_attention(q, k, v, attn_mask=torch.logical_and(causal, pad))",
      "    c = F.scaled_dot_product_attention(q, k, v, attn_mask=0 < i)",
      "    e = F.scaled_dot_product_attention(q, k, v, attn_mask=torch.arange(0, 1, 0.25))",
      "    (a + b + c + e).sum().backward()",
    ].join('\n');
    const lines = annotate(await sitesOfSource(source, { ...SETTINGS, autocast: 'off' })).filter((l) => !l.startsWith('  infer') && !/^  [a-z-]+ (error|warning|information)/.test(l));
    assert.deepEqual(lines, [
      "snippet.py:9:9 sdpa train_step",
      "  train reached=true fp16,fp16,fp16 mask=bool causal=false p=0 layout=? H=? D=? → efficient (flash off: attn_mask is not None) if D is a multiple of 8 (D: the head size of q and of v, taken equal) · math (flash off: attn_mask is not None) if D is not a multiple of 8",
      "snippet.py:10:9 sdpa train_step",
      "  train reached=true fp16,fp16,fp16 mask=bool causal=false p=0 layout=? H=? D=? → efficient (flash off: attn_mask is not None) if D is a multiple of 8 (D: the head size of q and of v, taken equal) · math (flash off: attn_mask is not None) if D is not a multiple of 8",
      "snippet.py:11:9 sdpa train_step",
      "  train reached=true fp16,fp16,fp16 mask=bool causal=false p=0 layout=? H=? D=? → efficient (flash off: attn_mask is not None) if D is a multiple of 8 (D: the head size of q and of v, taken equal) · math (flash off: attn_mask is not None) if D is not a multiple of 8",
      "snippet.py:12:9 sdpa train_step",
      "  train reached=true fp16,fp16,fp16 mask=float causal=false p=0 layout=? H=? D=? → raises: invalid dtype for bias - should match query's dtype if D is a multiple of 8 (D: the head size of q and of v, taken equal) · math (flash off: attn_mask is not None) if D is not a multiple of 8",
    ]);
  });
});
