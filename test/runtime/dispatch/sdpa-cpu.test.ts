/** RULES.md "CPU: FLASH (no dropout, masks allowed, fp32/fp64/bf16/fp16) → MATH". */
import { call, env, runRows, type Row } from './call';

const cpu = env({ device: 'cpu' });

const rows: Row[] = [
  ['FLASH runs float32', call({ q: 'float32' }), cpu, { outcome: 'runs', backend: 'sdpa.flash' }],
  ['FLASH runs float64 and bfloat16', call({ q: 'float64' }), cpu, { outcome: 'runs', backend: 'sdpa.flash' }],
  ['FLASH takes masks', call({ q: 'float32', mask: 'float' }), cpu, { outcome: 'runs', backend: 'sdpa.flash' }],
  ['FLASH takes no dropout', call({ q: 'float32', dropout: 0.1, mode: 'train' }), cpu, {
    outcome: 'runs', backend: 'sdpa.math', reasons: { 'sdpa.flash': 'Both fused kernels do not support non-zero dropout.' },
  }],
  ['FLASH needs equal head dims', call({ q: 'float32', headDim: 64, headDimV: 32 }), cpu, {
    outcome: 'runs', backend: 'sdpa.math',
    reasons: { 'sdpa.flash': 'Flash attention requires q,k,v to have the same last dimension. Got Query.size(-1): 64, Key.size(-1): 64, Value.size(-1): 32 instead.' },
  }],
  ['FLASH takes 4-D inputs only', call({ q: 'float32', rank: 3 }), cpu, {
    outcome: 'runs', backend: 'sdpa.math',
    reasons: { 'sdpa.flash': 'All fused kernels requires query, key and value to be 4 dimensional, but got Query dim: 3, Key dim: 3, Value dim: 3 instead.' },
  }],
  ['FLASH takes a 2-D or 4-D mask only from 2.6 (check_attn_mask_shape, read at v2.6.0 and main)', call({ q: 'float32', mask: 'bool', maskShape: [16, 128, 128] }), env({ device: 'cpu', torch: [2, 6] }), {
    outcome: 'runs', backend: 'sdpa.math',
    reasons: { 'sdpa.flash': 'Please use the following attn mask shapes: 2d - ({Q_seq_len, 1}  x {KV_seq_len, 1}); 4d - ({Batch, 1} x {Num_heads, 1} x {Q_seq_len, 1}  x {KV_seq_len, 1})' },
  }],
  ['FLASH takes a 4-D broadcastable mask', call({ q: 'float32', mask: 'bool', maskShape: [2, 1, 1, 128] }), env({ device: 'cpu', torch: [2, 6] }), { outcome: 'runs', backend: 'sdpa.flash' }],
  ['FLASH and a 3-D mask before 2.6: not read, left as before', call({ q: 'float32', mask: 'bool', maskShape: [16, 128, 128] }), cpu, { outcome: 'runs', backend: 'sdpa.flash' }],
  ['validation is the same as on CUDA', call({ q: 'float32', k: 'bfloat16', v: 'bfloat16' }), cpu, {
    outcome: 'raises',
    error: 'Expected query, key, and value to have the same dtype, but got query.dtype: float key.dtype: c10::BFloat16 and value.dtype: c10::BFloat16 instead.',
  }],
  ['a float32 mask with a bfloat16 query is valid on CPU', call({ q: 'bfloat16', mask: 'float', maskDtype: 'float32' }), cpu, { outcome: 'runs', backend: 'sdpa.flash' }],
  ['attn_mask with is_causal raises once math is reached', call({ q: 'float32', mask: 'bool', causal: true, dropout: 0.1, mode: 'train' }), cpu, {
    outcome: 'raises', error: '_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True',
  }],
  ['PyTorch calls on a web device are refused clearly', call(), env({ device: 'webgpu' }), {
    outcome: 'raises', error: 'PyTorch runs on cuda or cpu, not webgpu: set the device to cuda or cpu',
  }],
];

describe('dispatch: SDPA on CPU', () => runRows(rows));
