/** RULES.md "flash-attn": checks in order sm80 → q dtype → k → v → head dim; not autocast-aware; no mask argument. */
import { call, env, runRows, U, type Row } from './call';

const flash = (spec: Parameters<typeof call>[0] = {}) => call({ api: 'flash_attn_func', layout: 'BLHD', ...spec });

const rows: Row[] = [
  ['fp16 runs the FlashAttention-2 kernel', flash(), env(), { outcome: 'runs', backend: 'flash_attn.fa2' }],
  ['bf16 runs', flash({ q: 'bfloat16' }), env(), { outcome: 'runs', backend: 'flash_attn.fa2' }],
  ['every flash_attn function shares the policy', flash({ api: 'flash_attn_with_kvcache', q: 'float32' }), env(), {
    outcome: 'raises', error: 'FlashAttention only support fp16 and bf16 data type',
  }],
  ['not installed: the import fails', flash(), env({ flashAttn: false }), { outcome: 'raises', error: "ModuleNotFoundError: No module named 'flash_attn'" }],
  ['installation unknown: depends', flash(), env({ flashAttn: U('whether flash-attn is installed') }), {
    outcome: 'depends', backend: 'flash_attn.fa2', reasons: { 'flash_attn.fa2': 'depends on whether flash-attn is installed' },
  }],
  ['CUDA only', flash(), env({ device: 'cpu' }), { outcome: 'raises', error: 'q must be on CUDA' }],
  ['GPU sm80+', flash(), env({ sm: 75 }), { outcome: 'raises', error: 'FlashAttention only supports Ampere GPUs or newer.' }],
  ['the GPU check comes before the dtype check', flash({ q: 'float32' }), env({ sm: 75 }), { outcome: 'raises', error: 'FlashAttention only supports Ampere GPUs or newer.' }],
  ["q's dtype is checked first", flash({ q: 'float32', k: 'float16', v: 'float16' }), env(), { outcome: 'raises', error: 'FlashAttention only support fp16 and bf16 data type' }],
  ['then k against q', flash({ q: 'float16', k: 'float32', v: 'float32' }), env(), { outcome: 'raises', error: 'query and key must have the same dtype' }],
  ['then v against q', flash({ q: 'float16', k: 'float16', v: 'bfloat16' }), env(), { outcome: 'raises', error: 'query and value must have the same dtype' }],
  ['head dim at most 256', flash({ headDim: 512 }), env(), { outcome: 'raises', error: 'FlashAttention forward only supports head dimension at most 256' }],
  ['not autocast-aware: float32 still raises under autocast', flash({ q: 'float32', autocast: 'float16' }), env(), {
    outcome: 'raises', error: 'FlashAttention only support fp16 and bf16 data type', notes: ['not autocast-aware'],
  }],
  ['(B, H, L, D) tensors get a layout note', flash({ layout: 'BHLD' }), env(), { outcome: 'runs', notes: ['(batch, seqlen, nheads, headdim)'] }],
  ['causal with Lq ≠ Lk aligns bottom-right, unlike SDPA', flash({ causal: true, seqQ: 1, seqKv: 64 }), env(), { outcome: 'runs', notes: ['bottom-right'] }],
];

describe('dispatch: flash-attn', () => runRows(rows));
