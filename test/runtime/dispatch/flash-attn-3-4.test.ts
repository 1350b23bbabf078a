/** flash-attention 3 and 4 called directly: each version's checks in its source's order (docs/dispatch.md). */
import { call, env, runRows, type Row } from './call';

const fa3 = 'flash_attn3_func' as const;
const fa4 = 'fa4_func' as const;

const rows: Row[] = [
  ['FA3 runs on sm90 with bf16', call({ api: fa3, q: 'bfloat16', layout: 'BLHD' }), env({ sm: 90 }), { outcome: 'runs', backend: 'flash_attn.fa3' }],
  ['FA3 builds for sm80 too (since 7bc3f031)', call({ api: fa3, layout: 'BLHD' }), env({ sm: 80 }), { outcome: 'runs', backend: 'flash_attn.fa3' }],
  ['FA3 refuses sm75', call({ api: fa3, layout: 'BLHD' }), env({ sm: 75 }), { outcome: 'raises', error: 'FlashAttention only supports Ampere GPUs or newer.' }],
  ['FA3 refuses float32', call({ api: fa3, q: 'float32', layout: 'BLHD' }), env({ sm: 90 }), { outcome: 'raises', error: 'FlashAttention only supports fp16, bf16, and fp8_e4m3 data type' }],
  ['FA3 with k of another dtype', call({ api: fa3, k: 'bfloat16', layout: 'BLHD' }), env({ sm: 90 }), { outcome: 'raises', error: 'query and key must have the same dtype' }],
  ['FA3 head size above 256', call({ api: fa3, headDim: 320, layout: 'BLHD' }), env({ sm: 90 }), { outcome: 'raises', error: 'FlashAttention forward only supports head dimension at most 256' }],
  ['FA3 head size not a multiple of 8', call({ api: fa3, headDim: 100, layout: 'BLHD' }), env({ sm: 90 }), { outcome: 'raises', error: 'head_size should be a multiple of 8' }],
  ['FA3 grouped heads that divide run', call({ api: fa3, heads: 32, kvHeads: 8, layout: 'BLHD' }), env({ sm: 90 }), { outcome: 'runs', backend: 'flash_attn.fa3' }],
  ['FA3 grouped heads that do not divide', call({ api: fa3, heads: 12, kvHeads: 8, layout: 'BLHD' }), env({ sm: 90 }), {
    outcome: 'raises', error: 'Number of heads in key/value must divide number of heads in query',
  }],
  ['FA3 (192, 128) head sizes on Hopper', call({ api: fa3, headDim: 192, headDimV: 128, layout: 'BLHD' }), env({ sm: 90 }), { outcome: 'runs', backend: 'flash_attn.fa3' }],
  ['FA3 (192, 128) head sizes on Ampere', call({ api: fa3, headDim: 192, headDimV: 128, layout: 'BLHD' }), env({ sm: 80 }), {
    outcome: 'raises', error: 'Only Hopper supports different V headdim',
  }],
  ['FA3 (128, 64) head sizes', call({ api: fa3, headDim: 128, headDimV: 64, layout: 'BLHD' }), env({ sm: 90 }), {
    outcome: 'raises', error: 'If V headdim is different from Q/K dim, we only support Q/K headdim in (128, 192] and V headdim in (96, 128], or (Q/K <= 64 and V <= 512).',
  }],
  ['FA3 on CPU', call({ api: fa3, layout: 'BLHD' }), env({ sm: 90, device: 'cpu' }), { outcome: 'raises', error: 'q must be on CUDA' }],
  ['FA4 runs on sm100 with head size 128', call({ api: fa4, headDim: 128, layout: 'BLHD' }), env({ sm: 100 }), { outcome: 'runs', backend: 'flash_attn.fa4' }],
  ['FA4 head size 192 on sm100 raises', call({ api: fa4, headDim: 192, layout: 'BLHD' }), env({ sm: 100 }), {
    outcome: 'raises', error: '(head_dim, head_dim_v)=(192, 192) is not supported on SM100/SM110. head_dim and head_dim_v must be between 8 and 128 and divisible by 8, or (192, 128) for DeepSeek, or (256, 256) for hd256.',
  }],
  ['FA4 DeepSeek (192, 128) on sm100', call({ api: fa4, headDim: 192, headDimV: 128, layout: 'BLHD' }), env({ sm: 100 }), { outcome: 'runs', backend: 'flash_attn.fa4' }],
  ['FA4 (256, 256) on sm100 (dedicated kernel)', call({ api: fa4, headDim: 256, layout: 'BLHD' }), env({ sm: 100 }), { outcome: 'runs', backend: 'flash_attn.fa4' }],
  ['FA4 head size 192 on sm90', call({ api: fa4, headDim: 192, layout: 'BLHD' }), env({ sm: 90 }), { outcome: 'runs', backend: 'flash_attn.fa4' }],
  ['FA4 head size 320 on sm90', call({ api: fa4, headDim: 320, layout: 'BLHD' }), env({ sm: 90 }), {
    outcome: 'raises', error: '(head_dim, head_dim_v)=(320, 320) is not supported on SM90. head_dim and head_dim_v must be between 8 and 256 and divisible by 8.',
  }],
  ['FA4 does not check head sizes on sm120', call({ api: fa4, headDim: 320, layout: 'BLHD' }), env({ sm: 120 }), { outcome: 'runs', backend: 'flash_attn.fa4' }],
  ['FA4 refuses sm75', call({ api: fa4, layout: 'BLHD' }), env({ sm: 75 }), { outcome: 'raises', error: 'Unsupported compute capability. Supported: 8.x, 9.x, 10.x, 11.x, 12.x' }],
  ['FA4 checks v\'s dtype first', call({ api: fa4, q: 'float32', v: 'float16', layout: 'BLHD' }), env({ sm: 100 }), { outcome: 'raises', error: 'q, k, v, and qv must have the same dtype' }],
  ['FA4 refuses float32', call({ api: fa4, q: 'float32', layout: 'BLHD' }), env({ sm: 100 }), { outcome: 'raises', error: 'inputs must be float16, bfloat16, fp8 e4m3fn, or fp8 e5m2' }],
  ['FA4 grouped heads that do not divide', call({ api: fa4, heads: 12, kvHeads: 8, layout: 'BLHD' }), env({ sm: 100 }), { outcome: 'raises', error: 'num_head must be divisible by num_head_kv' }],
];

describe('dispatch: flash-attention 3 and 4', () => runRows(rows));
