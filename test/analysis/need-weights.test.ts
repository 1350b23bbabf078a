/**
 * `nn.MultiheadAttention`'s need_weights: True (its default) makes the module compute
 * softmax(q·kᵀ)·v itself to return the weights; only need_weights=False (as Transformer layers
 * pass) calls SDPA's fused kernels. The fix is offered where the call discards the weights.
 */
import * as assert from 'node:assert/strict';
import { callReport, environmentOf } from '../../extension/analysis/reporting/build-report';
import { annotate, applyEdits, readFixture, SETTINGS, siteAt, sitesOf } from './helpers';

describe('analysis: nn.MultiheadAttention need_weights', () => {
  it('runs the explicit computation where the weights are asked for, SDPA where they are not', async () => {
    assert.deepEqual(annotate(await sitesOf(['mha_weights.py'])), [
      'mha_weights.py:15:18 multihead_attention Block.forward',
      '  train reached=true ?,?,? mask=none causal=false p=0 layout=? H=8 D=64 → weights? (depends on the argument `x` of train_step)',
      '  infer reached=false fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=8 D=64 → weights (flash off: need_weights=True)',
      '  need-weights information train 15:18 nn.MultiheadAttention computes softmax(q·kᵀ)·v itself on the training path to return the attention weights (need_weights defaults to True), materialising the L×S score matrix: "Set need_weights=False to use the optimized scaled_dot_product_attention and achieve the best performance for MHA." The weights are not used here.',
      'mha_weights.py:16:27 multihead_attention Block.forward',
      '  train reached=true bf16,bf16,bf16 mask=none causal=false p=0 layout=? H=8 D=64 → weights (flash off: need_weights=True)',
      '  infer reached=false ?,?,? mask=none causal=false p=0 layout=? H=8 D=64 → weights (flash off: need_weights=True)',
      '  need-weights information train 16:66 nn.MultiheadAttention computes softmax(q·kᵀ)·v itself on the training path to return the attention weights (True at mha_weights.py:16), materialising the L×S score matrix: "Set need_weights=False to use the optimized scaled_dot_product_attention and achieve the best performance for MHA."',
      'mha_weights.py:17:17 multihead_attention Block.forward',
      '  train reached=true bf16,bf16,bf16 mask=none causal=false p=0 layout=? H=8 D=64 → weights (flash off: need_weights=True)',
      '  infer reached=false ?,?,? mask=none causal=false p=0 layout=? H=8 D=64 → weights (flash off: need_weights=True)',
      '  need-weights information train 17:17 nn.MultiheadAttention computes softmax(q·kᵀ)·v itself on the training path to return the attention weights (need_weights defaults to True), materialising the L×S score matrix: "Set need_weights=False to use the optimized scaled_dot_product_attention and achieve the best performance for MHA." The weights are not used here.',
      'mha_weights.py:19:16 multihead_attention Block.forward',
      '  train reached=true bf16,bf16,bf16 mask=none causal=false p=0.1 layout=? H=8 D=64 → flash',
      '  infer reached=false ?,?,? mask=none causal=false p=0 layout=? H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
      'mha_weights.py:19:35 multihead_attention Block.forward',
      '  train reached=true bf16,bf16,bf16 mask=none causal=false p=0 layout=? H=8 D=64 → flash',
      '  infer reached=false ?,?,? mask=none causal=false p=0 layout=? H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
    ]);
  });

  it('passes need_weights=False where the weights are discarded, and leaves the call that uses them', async () => {
    const sites = await sitesOf(['mha_weights.py']);
    const fixes = [15, 16, 17].map((line) => callReport(siteAt(sites, line), environmentOf(SETTINGS)).findings[0]?.fix);
    assert.equal(fixes[1], undefined);
    const text = applyEdits(readFixture('mha_weights.py'), [...fixes[0]!.edits, ...fixes[2]!.edits]);
    assert.deepEqual(text.split('\n').slice(14, 17), [
      '        out, _ = self.attn(x, x, x, need_weights=False)',
      '        probed, weights = self.probe(out, out, out, need_weights=True)',
      '        first = self.attn(probed, probed, probed, need_weights=False)[0]',
    ]);
  });
});
