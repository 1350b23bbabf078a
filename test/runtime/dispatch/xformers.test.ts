/** RULES.md "xformers memory_efficient_attention": validation, then fa3 (Hopper) → fa2 → cutlass. */
import { call, env, runRows, U, type Row } from './call';

const xf = (spec: Parameters<typeof call>[0] = {}) => call({ api: 'memory_efficient_attention', layout: 'BLHD', ...spec });
const NO_OPERATOR = 'No operator found for `memory_efficient_attention_forward`';
const TENSOR_BIAS = "attn_bias type is <class 'torch.Tensor'>";

const rows: Row[] = [
  ['fp16 without bias runs fa2 on sm80', xf(), env(), { outcome: 'runs', backend: 'xformers.fa2', absent: ['xformers.fa3'] }],
  ['fa3 runs first on Hopper', xf(), env({ sm: 90 }), { outcome: 'runs', backend: 'xformers.fa3' }],
  ['fa3 takes no dropout: fa2 runs', xf({ dropout: 0.1, mode: 'train' }), env({ sm: 90 }), {
    outcome: 'runs', backend: 'xformers.fa2', reasons: { 'xformers.fa3': 'dropout > 0.0' },
  }],
  ['not installed: the import fails', xf(), env({ xformers: false }), { outcome: 'raises', error: "ModuleNotFoundError: No module named 'xformers'" }],
  ['installation unknown: depends', xf(), env({ xformers: U('whether xformers is installed') }), { outcome: 'depends', backend: 'xformers.fa2' }],
  ['mixed dtypes raise', xf({ q: 'float32', k: 'float32', v: 'float16' }), env(), {
    outcome: 'raises',
    error: 'Query/Key/Value should either all have the same dtype, or (in the quantized case) Key/Value should have dtype torch.int32\n  query.dtype: torch.float32\n  key.dtype  : torch.float32\n  value.dtype: torch.float16',
  }],
  ['not autocast-aware: mixed dtypes raise under autocast too', xf({ q: 'float32', k: 'float32', v: 'float16', autocast: 'float16' }), env(), {
    outcome: 'raises', errorStarts: 'Query/Key/Value should either all have the same dtype', notes: ['not autocast-aware'],
  }],
  ['a plain tensor bias leaves only cutlass', xf({ mask: 'float', maskShape: [2, 8, 128, 128] }), env({ sm: 90 }), {
    outcome: 'runs', backend: 'xformers.cutlass', reasons: { 'xformers.fa3': TENSOR_BIAS, 'xformers.fa2': TENSOR_BIAS },
  }],
  ['library mask classes keep flash eligible', xf({ mask: 'library', maskClass: 'LowerTriangularMask' }), env(), { outcome: 'runs', backend: 'xformers.fa2' }],
  ['a mask class carrying a tensor bias is a tensor bias', xf({ mask: 'library', maskClass: 'LowerTriangularMaskWithTensorBias' }), env(), {
    outcome: 'runs', backend: 'xformers.cutlass', reasons: { 'xformers.fa2': TENSOR_BIAS },
  }],
  ['a tensor bias must be exactly (B, H, Mq, Mkv)', xf({ mask: 'float', maskShape: [1, 1, 128, 128] }), env(), {
    outcome: 'raises', error: 'Invalid shape for attention bias: torch.Size([1, 1, 128, 128]) (expected (2, 8, 128, 128))',
  }],
  ['a bias shape with unknown extents depends', xf({ mask: 'float', maskShape: [2, null, 128, 128] }), env(), {
    outcome: 'depends', backend: 'xformers.cutlass',
  }],
  ['fp16 bias strides must be multiples of 8 (key length 77)', xf({ mask: 'float', seqQ: 77, seqKv: 77, maskShape: [2, 8, 77, 77] }), env(), {
    outcome: 'raises', errorStarts: `${NO_OPERATOR} with inputs:`, status: { 'xformers.cutlass': 'rejected' },
  }],
  ['diffusers #9637: a bf16 mask with a key length not a multiple of 8 fails', xf({ q: 'bfloat16', mask: 'float', seqQ: 77, seqKv: 77, maskShape: [2, 8, 77, 77] }), env(), {
    outcome: 'raises', errorStarts: NO_OPERATOR, status: { 'xformers.cutlass': 'rejected', 'xformers.fa2': 'rejected' },
  }],
  ['fp32 bias strides must be multiples of 4', xf({ q: 'float32', mask: 'float', seqQ: 76, seqKv: 76, maskShape: [2, 8, 76, 76] }), env(), {
    outcome: 'runs', backend: 'xformers.cutlass',
  }],
  ["the bias dtype must match the query's", xf({ mask: 'float', maskDtype: 'float32', maskShape: [2, 8, 128, 128] }), env(), {
    outcome: 'raises', errorStarts: NO_OPERATOR, reasons: { 'xformers.cutlass': "invalid dtype for bias - should match query's dtype" },
  }],
  ['fp32 runs on cutlass only', xf({ q: 'float32' }), env(), {
    outcome: 'runs', backend: 'xformers.cutlass',
    reasons: { 'xformers.fa2': 'dtype=torch.float32 (supported: {torch.float16, torch.bfloat16})' },
  }],
  ['fa2 needs sm80', xf(), env({ sm: 75 }), {
    outcome: 'runs', backend: 'xformers.cutlass',
    reasons: { 'xformers.fa2': 'requires device with capability > (8, 0) but your GPU has capability (7, 5) (too old)' },
  }],
  ['fa2 head dim at most 256', xf({ headDim: 512 }), env(), {
    outcome: 'runs', backend: 'xformers.cutlass', reasons: { 'xformers.fa2': 'max(query.shape[-1], value.shape[-1]) > 256' },
  }],
  ['cutlass bf16 needs sm80: nothing runs', xf({ q: 'bfloat16' }), env({ sm: 75 }), {
    outcome: 'raises', errorStarts: NO_OPERATOR, reasons: { 'xformers.cutlass': 'bf16 is only supported on A100+ GPUs' },
  }],
  ['CUDA only', xf(), env({ device: 'cpu' }), { outcome: 'raises', errorStarts: NO_OPERATOR, reasons: { 'xformers.cutlass': "device=cpu (supported: {'cuda'})" } }],
  ['key/value heads must match query heads in (B, M, H, K)', xf({ kvHeads: 2 }), env(), { outcome: 'raises', errorStarts: 'Incompatible shapes for attention inputs' }],
];

describe('dispatch: xformers', () => runRows(rows));
