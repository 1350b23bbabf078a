/**
 * What the interpreter follows beyond plain calls: nn.TransformerDecoderLayer / nn.TransformerDecoder
 * (self- and cross-attention sites), attributes set by helpers that `__init__` calls on self, and
 * `getattr` / `hasattr` with constant names. Exact facts and the reasons they carry.
 */
import * as assert from 'node:assert/strict';
import { resolveLineMarks } from '../../extension/analysis/syntax/positions';
import { SETTINGS, siteAt as at, siteLine, sitesOf, sitesOfSource, told } from './helpers';

describe('followed code', () => {
  it('reports a decoder call as its self-attention at the call and its cross-attention at the argument list', async () => {
    const sites = await sitesOf(['decoder_layer.py']);
    const self = at(sites, 22, 13);
    const cross = at(sites, 22, 25);
    assert.deepEqual([self.apiText, cross.apiText], ['self.decoder.layers[i].self_attn', 'self.decoder.layers[i].multihead_attn']);
    assert.deepEqual([self.span.endColumn, cross.span.endColumn], [120, 120]);
    // tgt_is_causal=True and no tgt_key_padding_mask: nn.MultiheadAttention drops the mask for SDPA's is_causal.
    assert.equal(told(self.modes.train.facts.mask.kind),
      'none | the causal flag (True at decoder_layer.py:22) with no key padding mask: the layer\'s attention passes SDPA is_causal, not the mask');
    assert.equal(told(self.modes.train.facts.dropout), '0.2 | decoder_layer.py:13');
    // The cross-attention's query is the layer's LayerNorm output; k and v are the encoder's memory.
    assert.equal(told(cross.modes.train.facts.dtypes.q),
      'float32 | `layer_norm` at decoder_layer.py:22 runs in float32 under autocast (autocast region at decoder_layer.py:28)');
    assert.equal(told(cross.modes.train.facts.dtypes.k),
      'bfloat16 | `scaled_dot_product_attention` at decoder_layer.py:19 runs in bfloat16 under autocast (autocast region at decoder_layer.py:28)');
    assert.equal(told(cross.modes.train.facts.mask.kind), '? | the argument `pad` of train_step');
    assert.equal(told(cross.modes.infer.facts.mask.kind), 'none | None at decoder_layer.py:18');
  });

  it('keeps a decoder layer\'s mask without tgt_is_causal, and gives its cross-attention no target mask', async () => {
    const sites = await sitesOf(['decoder_layer.py']);
    const refine = at(sites, 23, 13);
    assert.equal(refine.apiText, 'self.refine.self_attn');
    assert.equal(told(refine.modes.train.facts.mask.kind), 'bool | `triu` at decoder_layer.py:21');
    assert.equal(told(refine.modes.train.facts.dropout), '0.1 | `nn.TransformerDecoderLayer` at decoder_layer.py:15 (default dropout 0.1)');
    assert.equal(told(at(sites, 23, 24).modes.train.facts.mask.kind), 'none | no mask argument');
  });

  it('sets on the instance what a helper called from __init__ assigns, in the class or a base class', async () => {
    const sites = await sitesOf(['init_helpers.py']);
    const cross = at(sites, 22, 18);
    assert.deepEqual([cross.modes.train.reached, told(cross.modes.train.facts.shape.heads), told(cross.modes.train.facts.dropout)],
      [true, '8 | init_helpers.py:16', '0.1 | init_helpers.py:12']);
    // setup() reads `self.heads`, set before it is called, and sets the head size and the flash flag.
    const sdpa = at(sites, 45, 17);
    assert.deepEqual([sdpa.modes.train.reached, told(sdpa.modes.train.facts.shape.heads), told(sdpa.modes.train.facts.shape.headDim)],
      [true, '12 | `self.heads` = 12 (init_helpers.py:27)', '64 | `self.head_dim` = 64 (dim // self.heads at init_helpers.py:35)']);
    assert.equal(resolveLineMarks(at(sites, 47, 17).modes.train.deadBy?.why ?? ''), '`hasattr(F, \'scaled_dot_product_attention\')` is True with torch 2.5 (setting)');
  });

  it('leaves unknown an attribute set only in a method __init__ does not call', async () => {
    const sites = await sitesOf(['init_helpers.py']);
    assert.deepEqual([at(sites, 62, 20), at(sites, 63, 16)].map((s) => [s.modes.train.reached, s.modes.train.assumed]),
      [[null, ['self.flash']], [null, ['not (self.flash)']]]);
  });

  it('resolves getattr with a constant name, and its default where the attribute is provably absent', async () => {
    const sites = await sitesOf(['getattr_checks.py']);
    assert.equal(resolveLineMarks(at(sites, 25, 17).modes.infer.deadBy?.why ?? ''),
      '`getattr(self, "use_xformers", False)` gives its default: no code in the files sets `use_xformers` and Attention defines none');
    // `use_eager` is set by a method: not provably absent, so the eager branch depends on it.
    assert.deepEqual(at(sites, 27, 17).modes.infer.assumed, ['getattr(self, "use_eager", False)']);
    const cross = at(sites, 42, 20);
    assert.deepEqual([cross.apiText, told(cross.modes.infer.facts.shape.heads)], ['getattr(self, "cross")', '16 | getattr_checks.py:34']);
    // A name known only at run time stays unknown: the branch is reached on an assumption.
    assert.deepEqual([cross.modes.infer.reached, cross.modes.infer.assumed], [null, ['getattr(self, flag, False)']]);
  });

  it('takes getattr(F, "scaled_dot_product_attention", None) as None before torch 2', async () => {
    const sites = await sitesOf(['getattr_checks.py'], { ...SETTINGS, torch: [1, 13] });
    assert.deepEqual(sites.map(siteLine), [
      'getattr_checks.py:25:17 memory_efficient_attention Attention.forward',
      'getattr_checks.py:27:17 manual Attention.forward',
      'getattr_checks.py:42:20 multihead_attention Block.forward',
    ]);
    assert.equal(at(sites, 27, 17).modes.infer.reached, true);
  });

  it('answers hasattr on a workspace instance like the attribute access', async () => {
    const sites = await sitesOfSource([
      'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '',
      'class Net(nn.Module):', '    def __init__(self):', '        super().__init__()', '        self.attn = nn.MultiheadAttention(64, 4)', '',
      '    def forward(self, x):', '        if hasattr(self, "attn"):', '            x = F.scaled_dot_product_attention(x, x, x)',
      '        if hasattr(self, "rotary"):', '            x = F.scaled_dot_product_attention(x, x, x, is_causal=True)', '        return x', '',
      '@torch.no_grad()', 'def run(net: Net, x):', '    return net(x)',
    ].join('\n'));
    const [present, absent] = sites;
    assert.deepEqual([present.modes.infer.reached, absent.modes.infer.reached], [true, false]);
    assert.equal(resolveLineMarks(absent.modes.infer.deadBy?.why ?? ''),
      '`hasattr(self, "rotary")` is False: no code in the files sets `rotary` and Net defines none');
  });
});
