/**
 * Hugging Face's `flash_attention_2` path: q, k, v cast back from float32 with
 * `torch.get_autocast_gpu_dtype()` when `torch.is_autocast_enabled()` ("the input hidden states seems
 * to be silently casted in float32"), and `_flash_attention_forward`'s `if attention_mask is not None:
 * flash_attn_varlen_func … else: flash_attn_func`. Before, the autocast queries were unknown, so every
 * such call read "fa2? (depends on `target_dtype`)", and a path without a padding mask got a
 * dead-fast-path warning for the varlen call though it runs flash-attn all the same.
 */
import * as assert from 'node:assert/strict';
import { annotate, sitesOf, sitesOfSource } from './helpers';

describe('Hugging Face flash_attention_2 style', () => {
  it('rotary in float32 under autocast: the cast back takes the region\'s dtype; no dead-fast-path between two flash-attn calls', async () => {
    assert.deepEqual(annotate(await sitesOf(['hf-flash-attention-2/modeling_llama_fa2.py'])), [
      "hf-flash-attention-2/modeling_llama_fa2.py:109:33 flash_attn_varlen_func LlamaFlashAttention2._flash_attention_forward",
      "  train reached=null bf16,bf16,bf16 mask=none causal=? p=0.1 layout=? H=? D=? → fa2? (depends on the head size of q)",
      // Not reached on inference (no padding mask there): the helper that unpads q, k, v is not run on that dead branch.
      "  infer reached=false ?,?,? mask=none causal=? p=0 layout=? H=? D=? → fa2? (depends on `query_states`)",
      "hf-flash-attention-2/modeling_llama_fa2.py:123:27 flash_attn_func LlamaFlashAttention2._flash_attention_forward",
      "  train reached=null bf16,bf16,bf16 mask=none causal=? p=0.1 layout=BLHD H=16 D=128 → fa2",
      "  infer reached=true fp16,fp16,fp16 mask=none causal=? p=0 layout=BLHD H=16 D=128 → fa2",
    ]);
  });

  it('torch.is_autocast_enabled("cuda") / get_autocast_dtype("cuda") read the region; outside one the weight\'s float32 reaches flash-attn', async () => {
    const source = [
      "import torch",
      "import torch.nn as nn",
      "from flash_attn import flash_attn_func",
      "",
      "",
      "class Attn(nn.Module):",
      "    def __init__(self):",
      "        super().__init__()",
      "        self.q_proj = nn.Linear(512, 512)",
      "        self.scale = nn.Parameter(torch.ones(64))",
      "",
      "    def forward(self, x):",
      "        q = self.q_proj(x).view(2, 16, 8, 64) * self.scale",
      "        if q.dtype == torch.float32:",
      "            if torch.is_autocast_enabled(\"cuda\"):",
      "                target_dtype = torch.get_autocast_dtype(\"cuda\")",
      "            else:",
      "                target_dtype = self.q_proj.weight.dtype",
      "            q = q.to(target_dtype)",
      "        return flash_attn_func(q, q, q)",
      "",
      "",
      "def train_step(m: Attn, x):",
      "    with torch.autocast(\"cuda\", dtype=torch.float16):",
      "        y = m(x)",
      "    y.sum().backward()",
      "",
      "",
      "@torch.no_grad()",
      "def evaluate(m: Attn, x):",
      "    with torch.autocast(\"cuda\", enabled=False):",
      "        return m(torch.randn(2, 16, 512))",
    ].join('\n');
    assert.deepEqual(annotate(await sitesOfSource(source)), [
      "snippet.py:20:16 flash_attn_func Attn.forward",
      "  train reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → fa2",
      "  infer reached=true fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=8 D=64 → raises: FlashAttention only support fp16 and bf16 data type",
      "  dtype-unsupported error infer 20:32 flash_attn_func: \"FlashAttention only support fp16 and bf16 data type\" — `q` is float32 (`.to()` at snippet.py:19 (parameters of `nn.Linear` at snippet.py:9 (float32))); `q` is float32 (`.to()` at snippet.py:19 (parameters of `nn.Linear` at snippet.py:9 (float32))); `q` is float32 (`.to()` at snippet.py:19 (parameters of `nn.Linear` at snippet.py:9 (float32))) (inference path: @torch.no_grad() on evaluate)",
    ]);
  });
});
