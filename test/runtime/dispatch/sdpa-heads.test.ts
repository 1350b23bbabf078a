/**
 * Grouped heads in SDPA (docs/rules/grouped-heads.md): k, v with fewer heads than q, with and without
 * `enable_gqa`, per kernel and torch version; versions not read answer "depends on".
 */
import { call, env, runRows, U, type Row } from './call';

// B2 L128 D64 float16 (call()'s defaults): q has 32 heads, k and v 8.
const GQA = { heads: 32, kvHeads: 8 } as const;
const SAME_HEADS = 'For dense input, both fused kernels require query, key and value to have the same num_heads. '
  + 'Query.sizes(): [2, 32, 128, 64], Key sizes(): [2, 8, 128, 64], Value sizes(): [2, 8, 128, 64] instead. '
  + 'To broadcast dense inputs, try using unsqueeze and expand_to before passing them into the kernel.';
const BROADCAST = 'The size of tensor a (32) must match the size of tensor b (8) at non-singleton dimension 1';
const FLASH_MASK = 'Flash Attention does not support non-null attn_mask.';

const cuda: Row[] = [
  ['enable_gqa=True with 32/8 heads runs flash', call({ ...GQA, enableGqa: true }), env(), { outcome: 'runs', backend: 'sdpa.flash' }],
  ['enable_gqa=True with a mask: flash takes no mask, efficient no grouped heads, math runs', call({ ...GQA, enableGqa: true, mask: 'bool' }), env(), {
    outcome: 'runs', backend: 'sdpa.math',
    status: { 'sdpa.flash': 'rejected', 'sdpa.efficient': 'rejected' },
    reasons: { 'sdpa.flash': FLASH_MASK, 'sdpa.efficient': SAME_HEADS },
  }],
  ['enable_gqa=True in fp32: flash refuses the dtype, efficient the heads', call({ ...GQA, enableGqa: true, q: 'float32' }), env(), {
    outcome: 'runs', backend: 'sdpa.math', reasons: { 'sdpa.efficient': SAME_HEADS },
  }],
  ['32/8 heads without enable_gqa: every fused kernel refuses, math raises on q·kᵀ', call(GQA), env(), {
    outcome: 'raises', error: BROADCAST, reasons: { 'sdpa.flash': SAME_HEADS, 'sdpa.efficient': SAME_HEADS },
  }],
  ['one key/value head without enable_gqa: math broadcasts it (torch 2.5–2.9)', call({ heads: 32, kvHeads: 1 }), env(), {
    outcome: 'runs', backend: 'sdpa.math', status: { 'sdpa.flash': 'rejected', 'sdpa.efficient': 'rejected' },
  }],
  ['one key/value head without enable_gqa on torch 2.9 (v2.9.1 read): every fused kernel refuses it, math runs', call({ heads: 32, kvHeads: 1 }), env({ torch: [2, 9] }), {
    outcome: 'runs', backend: 'sdpa.math', status: { 'sdpa.flash': 'rejected', 'sdpa.efficient': 'rejected' },
  }],
  ['one key/value head without enable_gqa on torch 2.10: not verified, depends', call({ heads: 32, kvHeads: 1 }), env({ torch: [2, 10] }), {
    outcome: 'depends', backend: 'sdpa.flash',
    reasons: { 'sdpa.flash': "depends on whether torch 2.10's fused kernels take one key/value head without enable_gqa (PyTorch's main branch does since pytorch#191085; not verified for this release)" },
  }],
  ['enable_gqa=True with heads that do not divide: math raises ATen\'s check', call({ heads: 30, kvHeads: 8, enableGqa: true }), env(), {
    outcome: 'raises', error: 'Number of heads in key and value must divide the number of heads in ',
    reasons: { 'sdpa.flash': 'FlashAttentionV2 only supports grouped query attention, where the number of heads in key/value must divide number of heads in query.Got input Key sizes(): 8, Value sizes(): 8, Query sizes(): 30 instead.' },
  }],
  ['torch 2.8 words the flash warning without FlashAttentionV2', call({ heads: 30, kvHeads: 8, enableGqa: true }), env({ torch: [2, 8] }), {
    outcome: 'raises',
    reasons: { 'sdpa.flash': 'The number of heads in key/value must divide number of heads in query.Got input Key sizes(): 8, Value sizes(): 8, Query sizes(): 30 instead.' },
  }],
  ['enable_gqa=True with equal heads changes nothing', call({ enableGqa: true }), env(), { outcome: 'runs', backend: 'sdpa.flash' }],
  ['enable_gqa=True with a mask on torch 2.9 (v2.9.1 read): the efficient kernel refuses grouped heads, math runs', call({ ...GQA, enableGqa: true, mask: 'bool' }), env({ torch: [2, 9] }), {
    outcome: 'runs', backend: 'sdpa.math', reasons: { 'sdpa.efficient': SAME_HEADS },
  }],
  ['enable_gqa=True with a mask on torch 2.10: the efficient kernel is not verified there', call({ ...GQA, enableGqa: true, mask: 'bool' }), env({ torch: [2, 10] }), {
    outcome: 'depends', backend: 'sdpa.efficient',
    reasons: { 'sdpa.efficient': "depends on whether torch 2.10's kernel takes grouped heads with enable_gqa (not verified for this release)" },
  }],
  ['enable_gqa before torch 2.5: Python refuses the keyword', call({ enableGqa: false }), env({ torch: [2, 4] }), {
    outcome: 'raises', error: "scaled_dot_product_attention() got an unexpected keyword argument 'enable_gqa'",
  }],
  ['an unknown enable_gqa with grouped heads: flash depends on it', call({ ...GQA, enableGqa: U('`self.use_gqa`') }), env(), {
    outcome: 'depends', backend: 'sdpa.flash', reasons: { 'sdpa.flash': 'depends on `self.use_gqa`' },
  }],
  ['enable_gqa=True with unknown heads and a mask: efficient depends on the heads', call({ heads: U('the number of heads'), kvHeads: U('the number of key/value heads'), enableGqa: true, mask: 'bool' }), env(), {
    outcome: 'depends', backend: 'sdpa.efficient',
    reasons: { 'sdpa.efficient': 'depends on the number of heads and the number of key/value heads' },
  }],
  ['unknown heads without enable_gqa: silent, as before', call({ heads: U('the number of heads'), kvHeads: U('the number of key/value heads') }), env(), {
    outcome: 'runs', backend: 'sdpa.flash',
  }],
  ['cuDNN before 2.8 checks no heads: grouped heads without enable_gqa run it on sm90 (2.7, where it goes first)', call(GQA), env({ torch: [2, 7], sm: 90, cudnn: [9, 16] }), {
    outcome: 'runs', backend: 'sdpa.cudnn',
  }],
  ['cuDNN from 2.8 takes grouped heads only with enable_gqa', call(GQA), env({ torch: [2, 8], sm: 90, cudnn: [9, 16] }), {
    outcome: 'raises', error: BROADCAST, reasons: { 'sdpa.cudnn': SAME_HEADS },
  }],
  ['cuDNN from 2.8 with enable_gqa', call({ ...GQA, enableGqa: true }), env({ torch: [2, 8], sm: 90, cudnn: [9, 16] }), {
    outcome: 'runs', backend: 'sdpa.cudnn',
  }],
];

const cpu: Row[] = [
  ['CPU 2.5–2.8: flash refuses grouped heads, math runs', call({ ...GQA, enableGqa: true }), env({ device: 'cpu' }), {
    outcome: 'runs', backend: 'sdpa.math', reasons: { 'sdpa.flash': SAME_HEADS },
  }],
  ['CPU from 2.9: flash takes them', call({ ...GQA, enableGqa: true }), env({ device: 'cpu', torch: [2, 9] }), { outcome: 'runs', backend: 'sdpa.flash' }],
];

describe('SDPA grouped heads (enable_gqa)', () => {
  describe('CUDA', () => runRows(cuda));
  describe('CPU', () => runRows(cpu));
});
