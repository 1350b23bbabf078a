/**
 * Exact annotations on the fixtures: every call site, what each path kind does there (reached,
 * q/k/v dtypes, mask, causal, dropout, layout, heads, head size → the policy's outcome and backend)
 * and every finding (code, severity, path, position, message).
 */
import * as assert from 'node:assert/strict';
import { callReport, environmentOf } from '../../extension/analysis/reporting/build-report';
import { modeLine, outcome, SETTINGS, siteLine, sitesOf } from './helpers';

interface Expected {
  readonly files: readonly string[];
  readonly calls: readonly { site: string; train: string; infer: string; findings: readonly (readonly [string, string])[] }[];
}

const FIXTURE_TABLE: readonly Expected[] = [
  {
    files: ['gated-before/model.py', 'gated-before/sampler.py'],
    calls: [
      {
        site: 'gated-before/model.py:28:19 flash_attn_func Attention.forward',
        train: 'reached=false fp32,fp32,bf16 mask=none causal=false p=0 layout=BLHD H=8 D=64 → raises',
        infer: 'reached=null fp32,fp32,bf16 mask=none causal=false p=0 layout=BLHD H=8 D=64 → raises',
        findings: [
          ['dead-fast-path warning train 27:12',
            '`flash_attn_func` is never reached on the training path: `use_flash` is false there — `attn_bias` is a float32 tensor (`zeros` at model.py:39); only the inference path can take this branch'],
          ['dtype-unsupported error infer 28:35',
            'flash_attn_func: "FlashAttention only support fp16 and bf16 data type" — `q` is float32 (`normalize` at model.py:25 runs in float32 under autocast (autocast region at sampler.py:8)); `k` is float32 (`normalize` at model.py:26 runs in float32 under autocast (autocast region at sampler.py:8)); `v` is bfloat16 (`linear` at model.py:22 runs in bfloat16 under autocast (autocast region at sampler.py:8)) (inference path: @torch.no_grad() on sample)'],
        ],
      },
      {
        site: 'gated-before/model.py:31:19 sdpa Attention.forward',
        train: 'reached=true fp32,fp32,bf16 mask=float causal=false p=0 layout=BHLD H=8 D=64 → runs sdpa.efficient',
        infer: 'reached=null fp32,fp32,bf16 mask=none causal=false p=0 layout=BHLD H=8 D=64 → runs sdpa.flash',
        findings: [
          ['mask-disables-flash information train 31:69',
            'Flash is off on the training path: `attn_bias` is a float tensor (`zeros` at model.py:39); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel'],
        ],
      },
    ],
  },
  {
    files: ['gated-after/model.py', 'gated-before/sampler.py'],
    calls: [
      {
        site: 'gated-after/model.py:29:19 flash_attn_func Attention.forward',
        train: 'reached=false bf16,bf16,bf16 mask=none causal=false p=0 layout=BLHD H=8 D=64 → depends flash_attn.fa2',
        infer: 'reached=null bf16,bf16,bf16 mask=none causal=false p=0 layout=BLHD H=8 D=64 → runs flash_attn.fa2',
        findings: [
          ['dead-fast-path warning train 28:12',
            '`flash_attn_func` is never reached on the training path: `use_flash` is false there — `attn_bias` is a float32 tensor (`zeros` at model.py:40); only the inference path can take this branch'],
        ],
      },
      {
        site: 'gated-after/model.py:32:19 sdpa Attention.forward',
        train: 'reached=true bf16,bf16,bf16 mask=float causal=false p=0 layout=BHLD H=8 D=64 → runs sdpa.efficient',
        infer: 'reached=null bf16,bf16,bf16 mask=none causal=false p=0 layout=BHLD H=8 D=64 → runs sdpa.flash',
        findings: [
          ['mask-disables-flash information train 32:69',
            'Flash is off on the training path: `attn_bias` is a float tensor (`zeros` at model.py:40); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel'],
        ],
      },
    ],
  },
  {
    // Training reaches the calls only through DDP(torch.compile(net)) and checkpoint(block, …); q, k, v
    // are bfloat16 through the @torch.autocast decorator; the partial binds is_causal=True.
    files: ['wrappers.py'],
    calls: [
      {
        site: 'wrappers.py:25:20 sdpa Attention.forward',
        train: 'reached=null bf16,bf16,bf16 mask=none causal=true p=0 layout=BHLD H=8 D=64 → runs sdpa.flash',
        infer: 'reached=true bf16,bf16,bf16 mask=none causal=true p=0 layout=BHLD H=8 D=64 → runs sdpa.flash',
        findings: [],
      },
      {
        site: 'wrappers.py:27:16 sdpa Attention.forward',
        train: 'reached=null bf16,bf16,bf16 mask=? causal=false p=0 layout=BHLD H=8 D=64 → depends sdpa.flash',
        infer: 'reached=false bf16,bf16,bf16 mask=none causal=false p=0 layout=BHLD H=8 D=64 → runs sdpa.flash',
        findings: [
          ['mask-disables-flash information train 27:42',
            'Flash is off on the training path: `mask` is a float tensor (a case the files leave open); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel (if `mask` is a float tensor or a bool tensor)'],
        ],
      },
    ],
  },
  {
    // q and k go float32 through F.normalize inside a generator expression, after map(lambda …): the
    // motivating case in the einops style.
    files: ['einops_style.py'],
    calls: [
      {
        site: 'einops_style.py:20:16 flash_attn_func Attention.forward',
        train: 'reached=true fp32,fp32,fp16 mask=none causal=true p=0 layout=BLHD H=8 D=64 → raises',
        infer: 'reached=false fp32,fp32,? mask=none causal=true p=0 layout=BLHD H=8 D=64 → raises',
        findings: [
          ['dtype-unsupported error train 20:32',
            'flash_attn_func: "FlashAttention only support fp16 and bf16 data type" — `q` is float32 (`normalize` at einops_style.py:19 runs in float32 under autocast (autocast region at einops_style.py:24)); `k` is float32 (`normalize` at einops_style.py:19 runs in float32 under autocast (autocast region at einops_style.py:24)); `v` is float16 (`linear` at einops_style.py:17 runs in float16 under autocast (autocast region at einops_style.py:24)) (training path: `.backward()` in train_step)'],
        ],
      },
    ],
  },
  {
    // Library-style eager attention: the division by a 0-dim tensor is not a mask, torch.where masks
    // the scores, the cast and the dropout module keep the chain (no mechanical fix then).
    files: ['eager_where.py'],
    calls: [
      {
        site: 'eager_where.py:26:16 manual EagerSelfAttention.eager',
        train: 'reached=true bf16,bf16,bf16 mask=bool causal=false p=0.1 layout=BHLD H=12 D=64 → runs manual.math',
        infer: 'reached=false ?,?,? mask=bool causal=false p=0 layout=? H=? D=? → runs manual.math',
        findings: [
          ['manual-attention information - 26:16',
            'Hand-written attention materialises the L×L score matrix; `torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=…, dropout_p=…, scale=…)` computes the same fused (flash or memory-efficient kernel)'],
        ],
      },
    ],
  },
  {
    // Scores from torch.baddbmm with α = self.scale; β is chosen by a branch, so no mechanical fix.
    files: ['baddbmm_scores.py'],
    calls: [
      {
        site: 'baddbmm_scores.py:27:16 manual FoldedCrossAttention.forward',
        train: 'reached=false ?,?,? mask=none causal=false p=0 layout=? H=? D=40 → runs manual.math',
        infer: 'reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=? D=40 → runs manual.math',
        findings: [
          ['manual-attention information - 27:16',
            'Hand-written attention materialises the L×L score matrix; q, k, v are 3-D here (heads folded into the batch), so `F.scaled_dot_product_attention` would run its math kernel too (its fused kernels need 4-D inputs: input-rank) — keep the heads in a dim of their own, (B, H, L, D), to run it fused'],
        ],
      },
    ],
  },
  {
    // The encoder's layer is an nn.MultiheadAttention call: heads and head size from d_model / nhead,
    // dropout 0.1 by default in training.
    files: ['encoder_layer.py'],
    calls: [
      {
        site: 'encoder_layer.py:15:13 multihead_attention Classifier.forward',
        train: 'reached=true ?,?,? mask=? causal=false p=0.1 layout=? H=8 D=32 → depends sdpa.flash',
        infer: 'reached=true ?,?,? mask=none causal=false p=0 layout=? H=8 D=32 → depends sdpa.flash',
        findings: [
          ['mask-disables-flash information train 15:50',
            'Flash is off on the training path: `padding_mask` is a float tensor (a case the files leave open); nn.MultiheadAttention passes the mask to SDPA, which cannot use its flash kernel with it (if `padding_mask` is a float tensor or a bool tensor)'],
        ],
      },
    ],
  },
  {
    files: ['sdpa.py'],
    calls: [
      {
        site: 'sdpa.py:20:17 sdpa CausalSelfAttention.forward',
        train: 'reached=false ?,?,? mask=none causal=true p=0.1 layout=BHLD H=12 D=? → depends sdpa.flash',
        infer: 'reached=true ?,?,? mask=none causal=true p=0.1 layout=BHLD H=12 D=? → depends sdpa.flash',
        findings: [
          ['dropout-in-eval warning infer 20:59',
            'dropout 0.1 (sdpa.py:7) is applied in inference too: `self.dropout` does not depend on `self.training` (functional attention does not know the module\'s mode)'],
        ],
      },
      {
        site: 'sdpa.py:22:17 sdpa CausalSelfAttention.forward',
        train: 'reached=false ?,?,? mask=? causal=false p=0.1 layout=BHLD H=12 D=? → depends sdpa.flash',
        infer: 'reached=null ?,?,? mask=bool causal=false p=0 layout=BHLD H=12 D=? → depends sdpa.efficient',
        findings: [
          ['mask-disables-flash information infer 22:43',
            'Flash is off on the inference path: `mask.bool()` is a bool tensor (`.bool()` at sdpa.py:22); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel'],
        ],
      },
    ],
  },
  {
    files: ['nanogpt.py'],
    calls: [
      {
        site: 'nanogpt.py:25:17 sdpa CausalSelfAttention.forward',
        train: 'reached=null ?,?,? mask=none causal=true p=0 layout=BHLD H=6 D=? → depends sdpa.flash',
        infer: 'reached=null ?,?,? mask=none causal=true p=0 layout=BHLD H=6 D=? → depends sdpa.flash',
        findings: [
        ],
      },
      {
        site: 'nanogpt.py:30:17 manual CausalSelfAttention.forward',
        train: 'reached=false ?,?,? mask=? causal=false p=0 layout=BHLD H=6 D=? → runs manual.math',
        infer: 'reached=false ?,?,? mask=? causal=false p=0 layout=BHLD H=6 D=? → runs manual.math',
        findings: [
          ['manual-attention information - 30:17',
            'Hand-written attention materialises the L×L score matrix; `F.scaled_dot_product_attention(q, k, v, attn_mask=…, scale=(1.0 / math.sqrt(k.size(-1))))` computes the same fused (flash or memory-efficient kernel)'],
        ],
      },
    ],
  },
  {
    files: ['manual.py'],
    calls: [
      {
        site: 'manual.py:7:12 manual attention',
        train: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        infer: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        findings: [
          ['manual-attention information - 7:12',
            'Hand-written attention materialises the L×L score matrix; `torch.nn.functional.scaled_dot_product_attention(q, k, v, scale=scale)` computes the same fused (flash or memory-efficient kernel)'],
        ],
      },
      {
        site: 'manual.py:13:12 manual attention_bmm',
        train: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        infer: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        findings: [
          ['manual-attention information - 13:12',
            'Hand-written attention materialises the L×L score matrix; q, k, v are 3-D here (heads folded into the batch), so `F.scaled_dot_product_attention` would run its math kernel too (its fused kernels need 4-D inputs: input-rank) — keep the heads in a dim of their own, (B, H, L, D), to run it fused'],
        ],
      },
    ],
  },
  {
    files: ['mha.py'],
    calls: [
      {
        site: 'mha.py:11:18 multihead_attention Encoder.forward',
        train: 'reached=true ?,?,? mask=bool causal=false p=0.1 layout=? H=8 D=32 → depends sdpa.efficient',
        infer: 'reached=false fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=8 D=32 → depends sdpa.flash',
        findings: [
          ['mask-disables-flash information train 11:58',
            'Flash is off on the training path: `src_mask` is a bool tensor (`triu` at mha.py:17); nn.MultiheadAttention passes the mask to SDPA, which cannot use its flash kernel with it'],
        ],
      },
    ],
  },
  {
    files: ['xformers_bias.py'],
    calls: [
      {
        site: 'xformers_bias.py:7:12 memory_efficient_attention causal',
        train: 'reached=null ?,?,? mask=library causal=false p=0 layout=? H=? D=? → depends xformers.fa2',
        infer: 'reached=null ?,?,? mask=library causal=false p=0 layout=? H=? D=? → depends xformers.fa2',
        findings: [
        ],
      },
      {
        site: 'xformers_bias.py:12:12 memory_efficient_attention packed',
        train: 'reached=null ?,?,? mask=library causal=false p=0 layout=? H=? D=? → depends xformers.fa2',
        infer: 'reached=null ?,?,? mask=library causal=false p=0 layout=? H=? D=? → depends xformers.fa2',
        findings: [
        ],
      },
      {
        site: 'xformers_bias.py:17:12 memory_efficient_attention text_bias',
        train: 'reached=null fp16,fp16,fp16 mask=float causal=false p=0 layout=? H=? D=? → depends xformers.cutlass',
        infer: 'reached=null fp16,fp16,fp16 mask=float causal=false p=0 layout=? H=? D=? → depends xformers.cutlass',
        findings: [
          ['bias-alignment error - 17:84',
            'xformers: "No operator found for `memory_efficient_attention_forward`" — `bias` is float16 with key length 77 (`77` = 77 (xformers_bias.py:16)), not a multiple of 8: allocate the bias padded to a multiple of 8 and slice it'],
          ['bias-shape error - 17:84',
            'xformers: "Invalid shape for attention bias" — `bias` has 3 dims; a tensor attn_bias must be exactly (B, H, Mq, Mkv): use `.expand(B, H, -1, -1)`'],
          ['mask-disables-flash information - 17:84',
            'Flash is off: `bias` is a float tensor (`zeros` at xformers_bias.py:16); a tensor attn_bias rules out xformers\' flash operators — it runs its CUTLASS kernel'],
        ],
      },
    ],
  },
  {
    files: ['rotary.py'],
    calls: [
      {
        site: 'rotary.py:38:16 flash_attn_func Attention.forward',
        train: 'reached=true fp32,fp32,bf16 mask=none causal=true p=0 layout=BLHD H=16 D=64 → raises',
        infer: 'reached=false fp32,fp32,? mask=none causal=true p=0 layout=BLHD H=16 D=64 → raises',
        findings: [
          ['dtype-unsupported error train 38:32',
            'flash_attn_func: "FlashAttention only support fp16 and bf16 data type" — `q` is float32 (bfloat16 promoted with float32 (`.float()` at rotary.py:14) at rotary.py:36); `k` is float32 (bfloat16 promoted with float32 (`.float()` at rotary.py:14) at rotary.py:37); `v` is bfloat16 (`linear` at rotary.py:34 runs in bfloat16 under autocast (autocast region at rotary.py:43)) (training path: `.backward()` in train_loop)'],
        ],
      },
    ],
  },
  {
    files: ['broken.py'],
    calls: [
      {
        site: 'broken.py:9:12 sdpa <module>',
        train: 'reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=? D=? → depends sdpa.flash',
        infer: 'reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=? D=? → depends sdpa.flash',
        findings: [
        ],
      },
    ],
  },
  {
    files: ['layout.py'],
    calls: [
      {
        site: 'layout.py:8:12 flash_attn_func attend',
        train: 'reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=BHLD H=? D=? → depends flash_attn.fa2',
        infer: 'reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=BHLD H=? D=? → depends flash_attn.fa2',
        findings: [
          ['layout error - 8:28',
            '`flash_attn_func` takes (batch, seqlen, heads, head_dim) but `q` is (batch, heads, seqlen, head_dim) here (q\'s dims (B, n_heads, L, head_dim))'],
        ],
      },
    ],
  },
  {
    files: ['shapes.py'],
    calls: [
      {
        site: 'shapes.py:10:12 sdpa decode_step',
        train: 'reached=false ?,?,? mask=none causal=true p=0 layout=? H=8 D=64 → depends sdpa.efficient',
        infer: 'reached=true ?,?,? mask=none causal=true p=0 layout=? H=8 D=64 → depends sdpa.efficient',
        findings: [
          ['causal-alignment warning infer 10:12',
            'is_causal=True aligns the causal mask to the top-left when Lq = 1 (`1` = 1 (shapes.py:7)), Lk = 128 (`128` = 128 (shapes.py:8)): query i sees keys 0…i, not the last ones as in decoding with a cache (flash-attn aligns bottom-right); pass an explicit mask (inference path: the name `decode_step`)'],
        ],
      },
      {
        site: 'shapes.py:15:12 flash_attn_func wide_heads',
        train: 'reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=BLHD H=4 D=320 → raises',
        infer: 'reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=BLHD H=4 D=320 → raises',
        findings: [
          ['head-dim error - 15:28',
            'flash-attn: "FlashAttention forward only supports head dimension at most 256" — head size 320 (`320` = 320 (shapes.py:14))'],
        ],
      },
      {
        site: 'shapes.py:20:12 sdpa odd_heads',
        train: 'reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=BHLD H=12 D=100 → runs sdpa.flash',
        infer: 'reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=BHLD H=12 D=100 → runs sdpa.flash',
        findings: [
          ['head-dim warning - 20:43',
            'head size 100 (`100` = 100 (shapes.py:19)) is not a multiple of 8: the memory-efficient kernel needs that in float16'],
        ],
      },
      {
        site: 'shapes.py:25:12 sdpa open_head_size',
        train: 'reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=BHLD H=12 D=? → depends sdpa.flash',
        infer: 'reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=BHLD H=12 D=? → depends sdpa.flash',
        findings: [
        ],
      },
    ],
  },
  {
    files: ['examples/model.py', 'examples/sample.py'],
    calls: [
      {
        site: 'examples/model.py:43:19 flash_attn_func SelfAttention.forward',
        train: 'reached=false fp32,fp32,fp16 mask=none causal=false p=0.1 layout=BLHD H=16 D=64 → raises',
        infer: 'reached=null fp32,fp32,fp16 mask=none causal=false p=0 layout=BLHD H=16 D=64 → raises',
        findings: [
          ['dead-fast-path warning train 42:12',
            '`flash_attn_func` is never reached on the training path: `use_flash` is false there — `attn_bias` is a float32 tensor (`full` at model.py:70); only the inference path can take this branch'],
          ['dtype-unsupported error infer 43:35',
            'flash_attn_func: "FlashAttention only support fp16 and bf16 data type" — `q` is float32 (`normalize` at model.py:39 runs in float32 under autocast (autocast region at sample.py:9)); `k` is float32 (`normalize` at model.py:40 runs in float32 under autocast (autocast region at sample.py:9)); `v` is float16 (`linear` at model.py:35 runs in float16 under autocast (autocast region at sample.py:9)) (inference path: @torch.inference_mode() on generate)'],
        ],
      },
      {
        site: 'examples/model.py:46:19 memory_efficient_attention SelfAttention.forward',
        train: 'reached=null fp32,fp32,fp16 mask=float causal=false p=0.1 layout=BLHD H=16 D=64 → raises',
        infer: 'reached=null fp32,fp32,fp16 mask=none causal=false p=0 layout=BLHD H=16 D=64 → raises',
        findings: [
          ['dtype-mismatch error train 46:51',
            'xops.memory_efficient_attention: "Query/Key/Value should either all have the same dtype, or (in the quantized case) Key/Value should have dtype torch.int32\n  query.dtype: torch.float32\n  key.dtype  : torch.float32\n  value.dtype: torch.float16" — `q` is float32 (`normalize` at model.py:39 runs in float32 under autocast (autocast region at model.py:83)); `k` is float32 (`normalize` at model.py:40 runs in float32 under autocast (autocast region at model.py:83)); `v` is float16 (`linear` at model.py:35 runs in float16 under autocast (autocast region at model.py:83)) (training path: `.backward()` in train_step)'],
          ['dtype-mismatch error infer 46:51',
            'xops.memory_efficient_attention: "Query/Key/Value should either all have the same dtype, or (in the quantized case) Key/Value should have dtype torch.int32\n  query.dtype: torch.float32\n  key.dtype  : torch.float32\n  value.dtype: torch.float16" — `q` is float32 (`normalize` at model.py:39 runs in float32 under autocast (autocast region at sample.py:9)); `k` is float32 (`normalize` at model.py:40 runs in float32 under autocast (autocast region at sample.py:9)); `v` is float16 (`linear` at model.py:35 runs in float16 under autocast (autocast region at sample.py:9)) (inference path: @torch.inference_mode() on generate)'],
          ['bias-dtype error train 46:70',
            'xops.memory_efficient_attention: "invalid dtype for bias - should match query\'s dtype" — the bias is float16, q is float32; casting q to float16 as the fix of this call\'s dtype error does makes them match (training path: `.backward()` in train_step)'],
          ['mask-disables-flash information train 46:70',
            'Flash is off on the training path: `bias` is a float tensor (`.to()` at model.py:45); a tensor attn_bias rules out xformers\' flash operators — it runs its CUTLASS kernel'],
        ],
      },
      {
        site: 'examples/model.py:49:19 sdpa SelfAttention.forward',
        train: 'reached=null fp32,fp32,fp16 mask=float causal=false p=0.1 layout=BHLD H=16 D=64 → runs sdpa.efficient',
        infer: 'reached=null fp32,fp32,fp16 mask=none causal=false p=0 layout=BHLD H=16 D=64 → runs sdpa.flash',
        findings: [
          ['mask-disables-flash information train 49:69',
            'Flash is off on the training path: `attn_bias` is a float tensor (`full` at model.py:70); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel'],
        ],
      },
    ],
  },
  {
    files: ['forwarding.py'],
    calls: [
      {
        site: 'forwarding.py:15:16 sdpa Attention.forward',
        train: 'reached=true ?,?,? mask=? causal=? p=? layout=BHLD H=8 D=64 → depends sdpa.flash',
        infer: 'reached=true ?,?,? mask=none causal=true p=0 layout=BHLD H=8 D=64 → depends sdpa.flash',
        findings: [
          ['mask-disables-flash information train 15:66',
            'Flash is off on the training path: `mask` is a float tensor (a case the files leave open); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel (without autocast, if `mask` is a float tensor or a bool tensor, or under float16 or bfloat16 autocast, if `mask` is a float tensor or a bool tensor)'],
        ],
      },
      {
        site: 'forwarding.py:28:12 sdpa packed_call',
        train: 'reached=false ?,?,? mask=? causal=? p=? layout=? H=? D=? → depends sdpa.flash',
        infer: 'reached=true ?,?,? mask=none causal=false p=0 layout=BHLD H=8 D=64 → depends sdpa.flash',
        findings: [],
      },
      {
        site: 'forwarding.py:33:12 sdpa bidirectional',
        train: 'reached=false ?,?,? mask=? causal=false p=? layout=? H=? D=? → depends sdpa.flash',
        infer: 'reached=true ?,?,? mask=none causal=false p=0 layout=BHLD H=8 D=64 → depends sdpa.flash',
        findings: [],
      },
      {
        site: 'forwarding.py:39:12 sdpa unmasked',
        train: 'reached=false ?,?,? mask=? causal=? p=? layout=? H=? D=? → depends sdpa.flash',
        infer: 'reached=true ?,?,? mask=none causal=true p=0 layout=BHLD H=8 D=64 → depends sdpa.flash',
        findings: [],
      },
      {
        site: 'forwarding.py:43:12 sdpa causal_by_option',
        train: 'reached=false ?,?,? mask=none causal=? p=? layout=? H=? D=? → depends sdpa.flash',
        infer: 'reached=true ?,?,? mask=none causal=true p=0 layout=BHLD H=8 D=64 → depends sdpa.flash',
        findings: [],
      },
    ],
  },
  {
    files: ['sequential.py'],
    calls: [
      {
        site: 'sequential.py:14:16 sdpa Attend.forward',
        train: 'reached=true bf16,bf16,bf16 mask=none causal=false p=0 layout=? H=? D=? → depends sdpa.flash',
        infer: 'reached=true fp16,fp16,fp16 mask=none causal=true p=0 layout=? H=? D=256 → depends sdpa.flash',
        findings: [
        ],
      },
      {
        site: 'sequential.py:19:16 sdpa Pool.forward',
        train: 'reached=true ?,?,? mask=none causal=false p=0 layout=? H=? D=? → depends sdpa.flash',
        infer: 'reached=true fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=? D=? → depends sdpa.flash',
        findings: [
        ],
      },
    ],
  },
  {
    files: ['loops.py'],
    calls: [
      {
        site: 'loops.py:14:16 sdpa CausalSelfAttention.forward',
        train: 'reached=true ?,?,? mask=none causal=true p=0 layout=BHLD H=6 D=? → depends sdpa.flash',
        infer: 'reached=false fp32,fp32,fp32 mask=none causal=true p=0 layout=BHLD H=6 D=? → depends sdpa.flash',
        findings: [
        ],
      },
      {
        site: 'loops.py:19:16 sdpa CrossAttention.forward',
        train: 'reached=false fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=? D=? → depends sdpa.flash',
        infer: 'reached=true ?,?,? mask=none causal=false p=0 layout=? H=? D=? → depends sdpa.flash',
        findings: [
        ],
      },
      {
        site: 'loops.py:24:16 sdpa LocalAttention.forward',
        train: 'reached=true ?,?,? mask=none causal=false p=0.1 layout=? H=? D=? → depends sdpa.flash',
        infer: 'reached=false fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=? D=? → depends sdpa.flash',
        findings: [
        ],
      },
    ],
  },
  {
    files: ['transposes.py'],
    calls: [
      {
        site: 'transposes.py:5:12 manual by_mT',
        train: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        infer: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        findings: [
          ['manual-attention information - 5:12',
            'Hand-written attention materialises the L×L score matrix; `torch.nn.functional.scaled_dot_product_attention(q, k, v, scale=1.0)` computes the same fused (flash or memory-efficient kernel)'],
        ],
      },
      {
        site: 'transposes.py:9:12 manual by_mH',
        train: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        infer: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        findings: [
          ['manual-attention information - 9:12',
            'Hand-written attention materialises the L×L score matrix; `torch.nn.functional.scaled_dot_product_attention(q, k, v, scale=1.0)` computes the same fused (flash or memory-efficient kernel)'],
        ],
      },
      {
        site: 'transposes.py:13:12 manual by_swapaxes',
        train: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        infer: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        findings: [
          ['manual-attention information - 13:12',
            'Hand-written attention materialises the L×L score matrix; `torch.nn.functional.scaled_dot_product_attention(q, k, v, scale=1.0)` computes the same fused (flash or memory-efficient kernel)'],
        ],
      },
      {
        site: 'transposes.py:17:12 manual by_permute',
        train: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        infer: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        findings: [
          ['manual-attention information - 17:12',
            'Hand-written attention materialises the L×L score matrix; `torch.nn.functional.scaled_dot_product_attention(q, k, v, scale=1.0)` computes the same fused (flash or memory-efficient kernel)'],
        ],
      },
      {
        site: 'transposes.py:21:12 manual by_transpose',
        train: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        infer: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        findings: [
          ['manual-attention information - 21:12',
            'Hand-written attention materialises the L×L score matrix; `torch.nn.functional.scaled_dot_product_attention(q, k, v, scale=1.0)` computes the same fused (flash or memory-efficient kernel)'],
        ],
      },
      {
        site: 'transposes.py:25:12 manual single_head',
        train: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        infer: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        findings: [
          ['manual-attention information - 25:12',
            'Hand-written attention materialises the L×L score matrix; `torch.nn.functional.scaled_dot_product_attention(q, k, v, scale=1.0)` computes the same fused (flash or memory-efficient kernel)'],
        ],
      },
    ],
  },
  {
    files: ['manual_dropout.py'],
    calls: [
      {
        site: 'manual_dropout.py:21:16 manual ModuleDropout.forward',
        train: 'reached=null ?,?,? mask=none causal=false p=0.1 layout=BHLD H=4 D=64 → runs manual.math',
        infer: 'reached=null ?,?,? mask=none causal=false p=0 layout=BHLD H=4 D=64 → runs manual.math',
        findings: [
          ['manual-attention information - 21:16',
            'Hand-written attention materialises the L×L score matrix; `F.scaled_dot_product_attention(q, k, v, dropout_p=self.drop.p if self.drop.training else 0.0, scale=1 / math.sqrt(self.d_k))` computes the same fused (flash or memory-efficient kernel)'],
        ],
      },
      {
        site: 'manual_dropout.py:30:16 manual MaskedModuleDropout.forward',
        train: 'reached=null fp32,fp32,fp32 mask=none causal=false p=0.1 layout=? H=? D=? → runs manual.math',
        infer: 'reached=null fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        findings: [
          ['manual-attention information - 30:16',
            'Hand-written attention materialises the L×L score matrix; `F.scaled_dot_product_attention(q, k, v, attn_mask=…, dropout_p=…, scale=…)` computes the same fused (flash or memory-efficient kernel)'],
        ],
      },
      {
        site: 'manual_dropout.py:40:16 manual FunctionalDropout.forward',
        train: 'reached=null fp32,fp32,fp32 mask=none causal=false p=0.1 layout=? H=? D=? → runs manual.math',
        infer: 'reached=null fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        findings: [
          ['manual-attention information - 40:16',
            'Hand-written attention materialises the L×L score matrix; `F.scaled_dot_product_attention(q, k, v, dropout_p=self.p if self.training else 0.0, scale=q.size(-1) ** -0.5)` computes the same fused (flash or memory-efficient kernel)'],
        ],
      },
      {
        site: 'manual_dropout.py:45:12 manual in_place',
        train: 'reached=null ?,?,? mask=none causal=false p=? layout=? H=? D=? → runs manual.math',
        infer: 'reached=null ?,?,? mask=none causal=false p=? layout=? H=? D=? → runs manual.math',
        findings: [
          ['manual-attention information - 45:12',
            'Hand-written attention materialises the L×L score matrix; `F.scaled_dot_product_attention(q, k, v, scale=…)` computes the same fused (flash or memory-efficient kernel)'],
        ],
      },
      {
        site: 'manual_dropout.py:50:12 manual heads_last',
        train: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        infer: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → runs manual.math',
        findings: [
          ['manual-attention information - 50:12',
            'Hand-written attention materialises the L×L score matrix; `F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), scale=1.0).transpose(1, 2)` computes the same fused (flash or memory-efficient kernel)'],
        ],
      },
    ],
  },
  {
    // The trainer imports the model from a package (`from nets import Denoiser`, re-exported by its
    // __init__.py). The (B, 1, C) modulation scale times activations of unknown shape is not 1 long:
    // no key length, so no bias-alignment error.
    files: ['package/nets/__init__.py', 'package/nets/modulated.py', 'package/train.py'],
    calls: [
      {
        site: 'package/nets/modulated.py:19:16 memory_efficient_attention ModulatedAttention.forward',
        train: 'reached=true fp16,fp16,fp16 mask=float causal=false p=0 layout=BLHD H=8 D=64 → depends xformers.cutlass',
        infer: 'reached=false ?,?,? mask=float causal=false p=0 layout=BLHD H=? D=? → depends xformers.cutlass',
        findings: [
          ['mask-disables-flash information train 19:67',
            'Flash is off on the training path: `bias.expand(B, self.heads, L, L)` is a float tensor (`.half()` at train.py:7); a tensor attn_bias rules out xformers\' flash operators — it runs its CUTLASS kernel (if `L` is a multiple of 8)'],
          ['bias-alignment warning train 19:67',
            'xformers: "No operator found for `memory_efficient_attention_forward`" — `bias.expand(B, self.heads, L, L)` is a tensor bias with key length `L` not a multiple of 8: allocate the bias padded to a multiple of 8 and slice it (training path: `.backward()` in train_step) (if `L` is not a multiple of 8)'],
        ],
      },
    ],
  },
  {
    // nanoGPT-style `nn.ModuleDict(dict(…))`: its entries read as attributes (`self.parts.layers`).
    files: ['module_dict.py'],
    calls: [
      {
        site: 'module_dict.py:15:16 sdpa Head.forward',
        train: 'reached=false ?,?,? mask=none causal=true p=0 layout=BHLD H=6 D=? → depends sdpa.flash',
        infer: 'reached=true ?,?,? mask=none causal=true p=0 layout=BHLD H=6 D=? → depends sdpa.flash',
        findings: [],
      },
    ],
  },
  {
    // Training calls the model through `wrapped: DDP`, a module of unknown class; evaluation calls it
    // by its class, in inference only. Training is then not "not reached": the model driver code calls
    // (Pyramid.forward) runs on the training path on assumption, and its bias buffer rules flash out.
    files: ['wrapped-trainer/blocks.py', 'wrapped-trainer/loop.py'],
    calls: [
      {
        site: 'wrapped-trainer/blocks.py:22:20 flash_attn_func MaskedAttention.forward',
        train: 'reached=false ?,?,? mask=none causal=false p=0 layout=BLHD H=12 D=64 → depends flash_attn.fa2',
        infer: 'reached=null ?,?,? mask=none causal=false p=0 layout=BLHD H=12 D=64 → depends flash_attn.fa2',
        findings: [],
      },
      {
        site: 'wrapped-trainer/blocks.py:24:16 sdpa MaskedAttention.forward',
        train: 'reached=null ?,?,? mask=float causal=false p=0 layout=BHLD H=12 D=64 → runs sdpa.efficient',
        infer: 'reached=true ?,?,? mask=? causal=false p=0 layout=BHLD H=12 D=64 → depends sdpa.flash',
        findings: [
          ['mask-disables-flash information train 24:66',
            'Flash is off: `bias` is a float tensor (`zeros` at blocks.py:31); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel'],
          ['mask-disables-flash information infer 24:66',
            'Flash is off on the inference path: `bias` is a float tensor (`zeros` at blocks.py:31); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel (if `bias` is a float tensor)'],
        ],
      },
    ],
  },
  {
    // The model alone: only generation calls it (inference). Its forward, which nothing in the file
    // calls, stands for an unseen training caller: training reaches the SDPA call with the bias
    // buffer (on assumption), and the bias rules flash-attn out there.
    files: ['wrapped-trainer/blocks.py'],
    calls: [
      {
        site: 'wrapped-trainer/blocks.py:22:20 flash_attn_func MaskedAttention.forward',
        train: 'reached=false ?,?,? mask=none causal=false p=0 layout=BLHD H=12 D=64 → depends flash_attn.fa2',
        infer: 'reached=null ?,?,? mask=none causal=false p=0 layout=BLHD H=12 D=64 → depends flash_attn.fa2',
        findings: [],
      },
      {
        site: 'wrapped-trainer/blocks.py:24:16 sdpa MaskedAttention.forward',
        train: 'reached=null ?,?,? mask=float causal=false p=0 layout=BHLD H=12 D=64 → runs sdpa.efficient',
        infer: 'reached=null ?,?,? mask=none causal=false p=0 layout=BHLD H=12 D=64 → depends sdpa.flash',
        findings: [
          ['mask-disables-flash information train 24:66',
            'Flash is off: `bias` is a float tensor (`zeros` at blocks.py:31); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel'],
        ],
      },
    ],
  },
  {
    // Whisper-style kᵀ: k permuted from (B, L, H, D) straight to (B, H, D, L), q to (B, H, L, D).
    // Found as hand-written attention; no mechanical fix (no k in q's layout is written).
    files: ['permuted_keys.py'],
    calls: [
      {
        site: 'permuted_keys.py:19:17 manual AudioSelfAttention.forward',
        train: 'reached=false ?,?,? mask=none causal=false p=0 layout=BHLD H=6 D=? → runs manual.math',
        infer: 'reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=BHLD H=6 D=? → runs manual.math',
        findings: [
          ['manual-attention information - 19:17',
            'Hand-written attention materialises the L×L score matrix; `torch.nn.functional.scaled_dot_product_attention(q, k, v, scale=…)` computes the same fused (flash or memory-efficient kernel)'],
        ],
      },
    ],
  },
  {
    // The loop builds its model in a helper `__init__` calls, so `self.mixer` is unresolved where
    // training calls it: training is reached on that assumption, not "not reached".
    files: ['opaque_loop.py'],
    calls: [
      {
        site: 'opaque_loop.py:15:16 sdpa CausalMixer.forward',
        train: 'reached=null ?,?,? mask=none causal=true p=0.1 layout=BHLD H=4 D=? → depends sdpa.flash',
        infer: 'reached=true ?,?,? mask=none causal=true p=0 layout=BHLD H=4 D=? → depends sdpa.flash',
        findings: [],
      },
    ],
  },
  {
    files: ['decoder_layer.py'],
    calls: [
      {
        site: 'decoder_layer.py:19:18 multihead_attention Translator.forward',
        train: 'reached=true fp32,fp32,fp32 mask=? causal=false p=0.1 layout=? H=8 D=64 → depends sdpa.flash',
        infer: 'reached=true fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=8 D=64 → depends sdpa.flash',
        findings: [
          ['mask-disables-flash information train 19:69',
            'Flash is off on the training path: `src_pad` is a float tensor (a case the files leave open); nn.MultiheadAttention passes the mask to SDPA, which cannot use its flash kernel with it (if `src_pad` is a float tensor or a bool tensor)'],
        ],
      },
      {
        site: 'decoder_layer.py:22:13 multihead_attention Translator.forward',
        train: 'reached=true fp32,fp32,fp32 mask=none causal=true p=0.2 layout=? H=8 D=64 → depends sdpa.flash',
        infer: 'reached=true fp32,fp32,fp32 mask=none causal=true p=0 layout=? H=8 D=64 → depends sdpa.flash',
        findings: [],
      },
      {
        site: 'decoder_layer.py:22:25 multihead_attention Translator.forward',
        train: 'reached=true fp32,bf16,bf16 mask=? causal=false p=0.2 layout=? H=8 D=64 → depends sdpa.flash',
        infer: 'reached=true fp32,?,? mask=none causal=false p=0 layout=? H=8 D=64 → depends sdpa.flash',
        findings: [
          ['mask-disables-flash information train 22:92',
            'Flash is off on the training path: `src_pad` is a float tensor (a case the files leave open); nn.MultiheadAttention passes the mask to SDPA, which cannot use its flash kernel with it (if `src_pad` is a float tensor or a bool tensor)'],
        ],
      },
      {
        site: 'decoder_layer.py:23:13 multihead_attention Translator.forward',
        train: 'reached=true bf16,bf16,bf16 mask=bool causal=false p=0.1 layout=? H=4 D=128 → runs sdpa.efficient',
        infer: 'reached=true ?,?,? mask=bool causal=false p=0 layout=? H=4 D=128 → runs sdpa.efficient',
        findings: [
          ['mask-disables-flash information train 23:45',
            'Flash is off on the training path: `causal` is a bool tensor (`triu` at decoder_layer.py:21); nn.MultiheadAttention passes the mask to SDPA, which cannot use its flash kernel with it'],
          ['mask-disables-flash information infer 23:45',
            'Flash is off on the inference path: `causal` is a bool tensor (`triu` at decoder_layer.py:21); nn.MultiheadAttention passes the mask to SDPA, which cannot use its flash kernel with it'],
        ],
      },
      {
        site: 'decoder_layer.py:23:24 multihead_attention Translator.forward',
        train: 'reached=true fp32,bf16,bf16 mask=none causal=false p=0.1 layout=? H=4 D=128 → runs sdpa.flash',
        infer: 'reached=true fp32,?,? mask=none causal=false p=0 layout=? H=4 D=128 → depends sdpa.flash',
        findings: [],
      },
    ],
  },
  {
    files: ['init_helpers.py'],
    calls: [
      {
        site: 'init_helpers.py:22:18 multihead_attention CrossBlock.forward',
        train: 'reached=true ?,?,? mask=none causal=false p=0.1 layout=? H=8 D=64 → depends sdpa.flash',
        infer: 'reached=false fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=8 D=64 → depends sdpa.flash',
        findings: [
        ],
      },
      {
        site: 'init_helpers.py:45:17 sdpa SelfAttention.forward',
        train: 'reached=true ?,?,? mask=none causal=true p=0 layout=BHLD H=12 D=64 → depends sdpa.flash',
        infer: 'reached=false ?,?,? mask=none causal=true p=0 layout=BHLD H=12 D=64 → depends sdpa.flash',
        findings: [
        ],
      },
      {
        site: 'init_helpers.py:47:17 manual SelfAttention.forward',
        train: 'reached=false ?,?,? mask=none causal=false p=0 layout=BHLD H=12 D=64 → runs manual.math',
        infer: 'reached=false ?,?,? mask=none causal=false p=0 layout=BHLD H=12 D=64 → runs manual.math',
        findings: [
          ['manual-attention information - 47:17',
            'Hand-written attention materialises the L×L score matrix; `F.scaled_dot_product_attention(q, k, v, scale=1 / (self.head_dim ** 0.5))` computes the same fused (flash or memory-efficient kernel)'],
        ],
      },
      {
        site: 'init_helpers.py:62:20 sdpa Lazy.forward',
        train: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=256 → depends sdpa.math',
        infer: 'reached=false ?,?,? mask=none causal=false p=0 layout=? H=? D=256 → depends sdpa.flash',
        findings: [
          // SelfAttention hands Lazy its (B, T, C) output: the chunks are 3-D.
          ['input-rank warning train 62:51',
            'SDPA runs its math kernel here on the training path: q, k and v have dims (B, T, the output features of nn.Linear at init_helpers.py:54); "All fused kernels requires query, key and value to be 4 dimensional, but got Query dim: 3, Key dim: 3, Value dim: 3 instead." — PyTorch falls back without a word, and the math kernel materialises the L×S score matrix. Keep the heads in a dim of their own: (B, H, L, D)'],
        ],
      },
      {
        site: 'init_helpers.py:63:16 manual Lazy.forward',
        train: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=256 → runs manual.math',
        infer: 'reached=false ?,?,? mask=none causal=false p=0 layout=? H=? D=256 → runs manual.math',
        findings: [
          ['manual-attention information - 63:16',
            'Hand-written attention materialises the L×L score matrix; q, k, v are 3-D here (heads folded into the batch), so `F.scaled_dot_product_attention` would run its math kernel too (its fused kernels need 4-D inputs: input-rank) — keep the heads in a dim of their own, (B, H, L, D), to run it fused'],
        ],
      },
    ],
  },
  {
    files: ['getattr_checks.py'],
    calls: [
      {
        site: 'getattr_checks.py:25:17 memory_efficient_attention Attention.forward',
        train: 'reached=false ?,?,? mask=none causal=false p=0 layout=BHLD H=? D=? → depends xformers.fa2',
        infer: 'reached=false ?,?,? mask=none causal=false p=0 layout=BHLD H=16 D=? → depends xformers.fa2',
        findings: [
          ['dead-fast-path warning infer 24:12',
            '`xops.memory_efficient_attention` is never reached on the inference path: `getattr(self, "use_xformers", False)` is false there — `getattr(self, "use_xformers", False)` gives its default: no code in the files sets `use_xformers` and Attention defines none'],
        ],
      },
      {
        site: 'getattr_checks.py:27:17 manual Attention.forward',
        train: 'reached=false ?,?,? mask=none causal=false p=0 layout=BHLD H=? D=? → runs manual.math',
        infer: 'reached=null ?,?,? mask=none causal=false p=0 layout=BHLD H=16 D=? → runs manual.math',
        findings: [
          ['manual-attention information - 27:17',
            'Hand-written attention materialises the L×L score matrix; `F.scaled_dot_product_attention(q, k, v, scale=1.0)` computes the same fused (flash or memory-efficient kernel)'],
        ],
      },
      {
        site: 'getattr_checks.py:29:17 sdpa Attention.forward',
        train: 'reached=false ?,?,? mask=none causal=false p=0 layout=BHLD H=? D=? → depends sdpa.flash',
        infer: 'reached=null ?,?,? mask=none causal=false p=0 layout=BHLD H=16 D=? → depends sdpa.flash',
        findings: [
        ],
      },
      {
        site: 'getattr_checks.py:42:20 multihead_attention Block.forward',
        train: 'reached=false ?,fp32,fp32 mask=none causal=false p=0 layout=? H=16 D=64 → depends sdpa.flash',
        infer: 'reached=null ?,?,? mask=none causal=false p=0 layout=? H=16 D=64 → depends sdpa.flash',
        findings: [
        ],
      },
    ],
  },
  {
    // q and k through per-head norm modules (nn.Identity when qk-norm is off, a norm class passed as
    // an argument when on) and `.contiguous()` keep their shape; keys repeated to the query heads.
    // The two PatchAttention instances differ in q's dtype under autocast (Identity keeps linear's
    // bfloat16, LayerNorm runs in float32), so the site's q dtype depends on the path.
    files: ['module_shapes.py'],
    calls: [
      {
        site: 'module_shapes.py:23:15 sdpa PatchAttention.forward',
        train: 'reached=true ?,?,bf16 mask=none causal=false p=0 layout=BHLD H=6 D=64 → runs sdpa.flash',
        infer: 'reached=false ?,?,? mask=none causal=false p=0 layout=BHLD H=6 D=? → depends sdpa.flash',
        findings: [],
      },
      {
        site: 'module_shapes.py:42:16 sdpa GroupedQueryAttention.forward',
        train: 'reached=true bf16,bf16,bf16 mask=none causal=true p=0 layout=BHLD H=16 D=128 → runs sdpa.flash',
        infer: 'reached=false ?,?,? mask=none causal=true p=0 layout=BHLD H=16 D=128 → depends sdpa.flash',
        findings: [],
      },
    ],
  },
  {
    // Llama-style grouped-query attention: keys and values rebuilt to the query heads by `repeat_kv`
    // (its input's `.shape` unpacked, a `None` axis, `expand`, `reshape`) keep q's length, `q_len`, so
    // the causal flag (`self.is_causal and q_len > 1`, or `True if causal_mask is None and q_len > 1
    // else False`), unknown, does not matter to flash. train.py builds the SDPA class (8 kv heads);
    // sample.py the other one with as many kv heads as heads (`n_rep == 1`: repeat_kv's early return).
    // Unreached classes run on assumption, with a config the files do not give: unknowns there.
    files: ['llama/modeling_llama.py', 'llama/train.py', 'llama/sample.py'],
    calls: [
      {
        site: 'llama/modeling_llama.py:105:23 sdpa LlamaAttention.forward',
        train: 'reached=null ?,?,? mask=none causal=? p=? layout=BHLD H=? D=? → depends sdpa.flash',
        infer: 'reached=true bf16,bf16,bf16 mask=none causal=? p=0 layout=BHLD H=32 D=64 → runs sdpa.flash',
        findings: [],
      },
      {
        site: 'llama/modeling_llama.py:145:23 sdpa LlamaSdpaAttention.forward',
        train: 'reached=true bf16,bf16,bf16 mask=none causal=? p=0 layout=BHLD H=32 D=64 → runs sdpa.flash',
        infer: 'reached=null ?,?,? mask=none causal=? p=0 layout=BHLD H=? D=? → depends sdpa.flash',
        findings: [],
      },
    ],
  },
  {
    // `clones` deep-copies one Linear; q, k, v are unpacked from a comprehension over zip(self.linears, (query, key, value)).
    files: ['annotated_style.py'],
    calls: [
      {
        site: 'annotated_style.py:21:12 manual attention',
        train: 'reached=true ?,?,? mask=? causal=false p=0.1 layout=BHLD H=8 D=64 → runs manual.math',
        infer: 'reached=true ?,?,? mask=? causal=false p=0 layout=BHLD H=8 D=64 → runs manual.math',
        findings: [
          ['manual-attention information - 21:12',
            'Hand-written attention materialises the L×L score matrix; `torch.nn.functional.scaled_dot_product_attention(query, key, value, attn_mask=…, dropout_p=…, scale=…)` computes the same fused (flash or memory-efficient kernel)'],
        ],
      },
    ],
  },
  {
    // diffusers' style: the head size is read back from the key projection's output (`key.shape[-1]`), whose rank is not known.
    files: ['processor_style.py'],
    calls: [
      {
        site: 'processor_style.py:22:25 sdpa AttnProcessor2_0.__call__',
        train: 'reached=true bf16,bf16,bf16 mask=? causal=false p=0 layout=BHLD H=8 D=40 → depends sdpa.flash',
        infer: 'reached=true ?,?,? mask=none causal=false p=0 layout=BHLD H=8 D=40 → runs sdpa.flash',
        findings: [
          ['mask-disables-flash information train 22:85',
            'Flash is off on the training path: `attention_mask` is a float tensor (a case the files leave open); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel (if `attention_mask` is a float tensor or a bool tensor)'],
        ],
      },
    ],
  },
];

describe('analysis on fixtures', () => {
  for (const expected of FIXTURE_TABLE) {
    it(`annotates ${expected.files.join(' + ')}`, async () => {
      const sites = await sitesOf(expected.files);
      const actual = sites.map((s) => {
        const report = callReport(s, environmentOf(SETTINGS));
        return {
          site: siteLine(s),
          train: `${modeLine(s.modes.train)} → ${outcome(report.modes.train.decision)}`,
          infer: `${modeLine(s.modes.infer)} → ${outcome(report.modes.infer.decision)}`,
          findings: report.findings.map((f) => [`${f.code} ${f.severity} ${f.mode ?? '-'} ${f.span.line}:${f.span.column}`, f.message] as const),
        };
      });
      assert.deepEqual(actual, expected.calls);
    });
  }
});
