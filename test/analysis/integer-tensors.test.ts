/**
 * Integer tensors in type promotion: `torch.arange` of integer bounds and `torch.tensor` of ints are
 * int64 (or their `dtype=torch.int32`), and a float tensor times an integer one keeps the float's dtype
 * (PyTorch promotes by category first). MPT/BLOOM's ALiBi bias (float slopes × integer positions)
 * read "depends on the dtype of `arange`" before.
 */
import * as assert from 'node:assert/strict';
import { integerDtype, isIntegerDtype, join, known, tensor, type TensorValue } from '../../extension/analysis/values/values';
import { annotate, SETTINGS, sitesOf, sitesOfSource, told } from './helpers';

describe('integer tensors in type promotion', () => {
  it('gives an MPT-style ALiBi bias the slopes\' float32 (under bf16 autocast, and cast with the module outside it)', async () => {
    const sites = await sitesOf(['alibi/mpt_alibi.py']);
    assert.deepEqual(annotate(sites), [
      'alibi/mpt_alibi.py:34:13 sdpa AlibiAttention.forward',
      '  train reached=true bf16,bf16,bf16 mask=float causal=false p=0 layout=BHLD H=8 D=64 → efficient (flash off: attn_mask is not None)',
      '  infer reached=true fp16,fp16,fp16 mask=float causal=false p=0 layout=BHLD H=8 D=64 → efficient (flash off: attn_mask is not None)',
      '  mask-disables-flash information train 34:63 Flash is off on the training path: `self.alibi` is a float tensor (alibi_bias * gen_slopes(n_heads) at mpt_alibi.py:26); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel',
      '  mask-disables-flash information infer 34:63 Flash is off on the inference path: `self.alibi` is a float tensor (alibi_bias * gen_slopes(n_heads) at mpt_alibi.py:26); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel',
    ]);
    const [site] = sites;
    assert.equal(told(site!.modes.train.facts.mask.dtype!), 'float32 | float32 promoted with an integer tensor (dtype= at mpt_alibi.py:11) at mpt_alibi.py:26');
    assert.equal(told(site!.modes.infer.facts.mask.dtype!), 'float16 | module cast to float16');
  });

  const program = (lines: readonly string[]): string => [
    'import torch', 'import torch.nn.functional as F', '',
    'def run(q, k, v, slopes):',
    '    q, k, v = q.bfloat16(), k.bfloat16(), v.bfloat16()',
    ...lines.map((l) => `    ${l}`),
    '    return F.scaled_dot_product_attention(q, k, v, attn_mask=bias)',
  ].join('\n');
  const biasOf = async (lines: readonly string[]): Promise<string> => {
    const [site] = await sitesOfSource(program(lines));
    const mask = site!.modes.infer.facts.mask;
    return mask.dtype ? told(mask.dtype) : `kind ${told(mask.kind)}`;
  };

  it('outside autocast, a float32 ALiBi bias with bfloat16 q is the memory-efficient kernel\'s bias-dtype error (it read "depends on `arange`")', async () => {
    const source = program(['bias = torch.ones(8).view(1, 8, 1, 1) * torch.arange(16).view(1, 1, 1, 16)']);
    assert.deepEqual(annotate(await sitesOfSource(source, { ...SETTINGS, autocast: 'off' })), [
      'snippet.py:7:12 sdpa run',
      "  train reached=null bf16,bf16,bf16 mask=float causal=false p=0 layout=? H=? D=? → raises: invalid dtype for bias - should match query's dtype if D is a multiple of 8 (D: the head size of q and of v, taken equal) · math (flash off: attn_mask is not None) if D is not a multiple of 8",
      "  infer reached=null bf16,bf16,bf16 mask=float causal=false p=0 layout=? H=? D=? → raises: invalid dtype for bias - should match query's dtype if D is a multiple of 8 (D: the head size of q and of v, taken equal) · math (flash off: attn_mask is not None) if D is not a multiple of 8",
      '  bias-dtype warning - 7:62 F.scaled_dot_product_attention: "invalid dtype for bias - should match query\'s dtype" — the bias is float32, q is bfloat16 (if D is a multiple of 8 (D: the head size of q and of v, taken equal))',
      '  mask-disables-flash information - 7:62 Flash is off: `bias` is a float tensor (torch.ones(8).view(1, 8, 1, 1) * torch.arange(16).view(1, 1, 1, 16) at snippet.py:6); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel',
    ]);
  });

  it('promotes a float tensor with an integer one to the float, whichever side', async () => {
    assert.equal(await biasOf(['bias = torch.ones(8).view(1, 8, 1, 1) * torch.arange(16).view(1, 1, 1, 16)']), 'float32 | float32 promoted with an integer tensor (`ones` at snippet.py:6 (default dtype)) at snippet.py:6');
    assert.equal(await biasOf(['bias = torch.arange(16).view(1, 1, 1, 16) * torch.ones(8, dtype=torch.float16).view(1, 8, 1, 1)']), 'float16 | float16 promoted with an integer tensor (dtype= at snippet.py:6) at snippet.py:6');
    // A slope tensor of unknown dtype: the bias depends on it, not on `arange`.
    assert.equal(await biasOf(['bias = slopes * torch.arange(16)']), '? | the argument `slopes` of run');
  });

  it('reads torch.tensor data: ints are int64, a float makes float32, dtype= wins', async () => {
    assert.equal(await biasOf(['bias = torch.ones(4) * torch.tensor([1, 2, 3, 4])']), 'float32 | float32 promoted with an integer tensor (`ones` at snippet.py:6 (default dtype)) at snippet.py:6');
    assert.equal(await biasOf(['bias = torch.tensor([1, 2.5, 3])']), 'float32 | `tensor` at snippet.py:6 (default dtype)');
    assert.equal(await biasOf(['bias = torch.tensor([1, 2, 3], dtype=torch.bfloat16)']), 'bfloat16 | dtype= at snippet.py:6');
    assert.equal(await biasOf(['bias = torch.tensor(slopes)']), '? | the data of `tensor` at snippet.py:6');
  });

  it('keeps integer with integer an integer tensor, never a float', async () => {
    assert.equal(await biasOf(['bias = torch.arange(16) * torch.tensor([2])']), '? | the dtype of an integer tensor (int64, `arange` at snippet.py:6, integer bounds)');
    assert.equal(await biasOf(['bias = (torch.arange(16) - 1).view(1, 16)']), '? | the dtype of an integer tensor (int64, `arange` at snippet.py:6, integer bounds)');
    assert.equal(await biasOf(['bias = torch.arange(16).div(4, rounding_mode="floor")']), '? | the dtype of an integer tensor (int64, `arange` at snippet.py:6, integer bounds)');
    assert.equal(await biasOf(['bias = torch.zeros_like(q, dtype=torch.long)']), '? | the dtype of an integer tensor (int64, dtype= at snippet.py:6)');
    assert.equal(await biasOf(['bias = torch.full((16, 16), 0)']), '? | the dtype of an integer tensor (int64, `full` at snippet.py:6, integer data)');
    assert.equal(await biasOf(['bias = torch.arange(16, dtype=torch.int32).long()']), '? | the dtype of an integer tensor (int64, `.long()` at snippet.py:6)');
  });

  it('gives the default float dtype where PyTorch does, and leaves unknown what the code does not show', async () => {
    assert.equal(await biasOf(['bias = torch.arange(16) * 0.5']), 'float32 | an integer tensor with the float 0.5 at snippet.py:6 (the default dtype)');
    assert.equal(await biasOf(['bias = torch.arange(16) / 4']), 'float32 | true division of an integer tensor at snippet.py:6 (the default dtype)');
    assert.equal(await biasOf(['bias = torch.arange(16) * slopes']), '? | the argument `slopes` of run');
    assert.equal(await biasOf(['bias = torch.arange(16).sqrt()']), '? | `sqrt` at snippet.py:6 on an integer tensor');
    assert.equal(await biasOf(['bias = torch.arange(16).float()']), 'float32 | `.float()` at snippet.py:6');
  });

  it('joins an integer tensor with a float one from another path as unknown, two integer ones as integer', () => {
    const int = tensor(integerDtype('int64', '`arange` at a.py:1'), 'a');
    const f32 = tensor(known('float32', '`ones` at a.py:2'), 'b');
    assert.equal(told(join(int, f32).t === 'tensor' ? (join(int, f32) as TensorValue).dtype : known('?', '')),
      '? | the path (the dtype of an integer tensor (int64, `arange` at a.py:1); float32 from `ones` at a.py:2)');
    assert.ok(isIntegerDtype((join(int, tensor(integerDtype('int64', '`arange` at a.py:3'), 'c')) as TensorValue).dtype));
  });
});
