/**
 * Construction helpers whose result `__init__` assigns. Exact annotations and the sources the facts give.
 */
import * as assert from 'node:assert/strict';
import type { Fact } from '../../runtime/dispatch/facts';
import type { CallSite } from '../../extension/analysis/call-sites';
import { resolveLineMarks } from '../../extension/analysis/positions';
import { annotate, siteLine, sitesOf } from './helpers';

function told<T>(f: Fact<T>): string {
  return f.known ? `${String(f.value)} | ${resolveLineMarks(f.source)}` : `? | ${resolveLineMarks(f.dependsOn)}`;
}

function at(sites: readonly CallSite[], line: number): CallSite {
  const site = sites.find((s) => s.span.line === line);
  assert.ok(site, `no call site on line ${line} among ${sites.map(siteLine).join(', ')}`);
  return site;
}

describe('analysis: construction helpers whose result is assigned', () => {
  it('sets on the instance what `self.proj = self._make_proj(dim)` and `self.blocks = self._build_blocks(…)` assign to self', async () => {
    const sites = await sitesOf(['lambdas/builders.py']);
    // `_make_proj` sets `self.flash = hasattr(F, …)` and `self.dropout`: the SDPA branch is taken, the
    // hand-written one ruled out; `_build_blocks` sets `self.gate_mask = None`, so the blocks run.
    assert.deepEqual(annotate(sites), [
      'lambdas/builders.py:27:17 sdpa CausalAttention.forward',
      '  train reached=true ?,?,? mask=none causal=true p=0.1 layout=BHLD H=12 D=? → flash? (depends on the argument `x` of train_step)',
      '  infer reached=false ?,?,? mask=none causal=true p=0 layout=BHLD H=? D=? → flash? (depends on the argument `x` of CausalAttention.forward)',
      'lambdas/builders.py:31:17 manual CausalAttention.forward',
      '  train reached=false ?,?,? mask=none causal=false p=0 layout=BHLD H=12 D=? → math',
      '  infer reached=false ?,?,? mask=none causal=false p=0 layout=BHLD H=? D=? → math',
      '  manual-attention information - 31:17 Hand-written attention materialises the L×L score matrix; `F.scaled_dot_product_attention(q, k, v)` computes the same fused (flash or memory-efficient kernel)',
    ]);
    assert.equal(resolveLineMarks(at(sites, 31).modes.train.deadBy?.why ?? ''), '`hasattr(F, "scaled_dot_product_attention")` is True with torch 2.5 (setting)');
    assert.equal(told(at(sites, 27).modes.train.facts.dropout), '0.1 | builders.py:17');
  });
});
