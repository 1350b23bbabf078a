/**
 * Perceiver-style latents: a learned `nn.Parameter(torch.randn(num_latents, dim))` as the query. It is
 * float32 (a parameter), cast with the module by `model.half()`; under autocast SDPA and
 * nn.MultiheadAttention's projections cast it with k and v, so the mixed dtypes do not raise.
 */
import * as assert from 'node:assert/strict';
import { annotate, sitesOf } from './helpers';

describe('Perceiver-style latent queries', () => {
  it('reads the latents as a float32 parameter query, cast with the module', async () => {
    assert.deepEqual(annotate(await sitesOf(['perceiver/resampler.py'])), [
      'perceiver/resampler.py:19:18 multihead_attention PerceiverResampler.forward',
      '  train reached=true fp32,?,? mask=none causal=false p=0 layout=? H=8 D=64 → flash? (depends on the argument `x` of train)',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → flash',
      'perceiver/resampler.py:24:16 sdpa PerceiverResampler.forward',
      '  train reached=true fp32,bf16,bf16 mask=none causal=false p=0 layout=BHLD H=8 D=64 → flash',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=BHLD H=8 D=64 → flash',
    ]);
  });
});
