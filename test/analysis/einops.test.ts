/**
 * einops' rearrange: the shape its pattern gives, from keywords, the input's dims and groups solved
 * by division; axis names give roles (`b n h d`), so the layout is read too. Patterns that do not
 * fit the input, or that this reader does not know, leave the shape unknown.
 */
import * as assert from 'node:assert/strict';
import { sitesOfSource, told } from './helpers';

async function shapeOf(setup: readonly string[], call = 'F.scaled_dot_product_attention(q, q, q)'): Promise<string> {
  const [site] = await sitesOfSource([
    'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', 'from einops import rearrange', '',
    'def train_step(x):', ...setup.map((l) => `    ${l}`), `    return ${call}`,
  ].join('\n'));
  const s = site!.modes.train.facts.shape;
  return `B=${s.batch.known ? s.batch.value : '?'} H=${s.heads.known ? s.heads.value : '?'} L=${s.seqQ.known ? s.seqQ.value : '?'} D=${s.headDim.known ? s.headDim.value : '?'} layout=${site!.modes.train.facts.layout.known ? site!.modes.train.facts.layout.value : '?'}`;
}

describe('einops rearrange', () => {
  it('splits a group by the keyword given, on an input of unknown rank whose last dim is known', async () => {
    assert.equal(await shapeOf([
      'q = nn.Linear(512, 512)(x)',
      "q = rearrange(q, 'b n (h d) -> b h n d', h=8)",
    ]), 'B=? H=8 L=? D=64 layout=BHLD');
  });

  it('reads every dim of a known input, through chunk and a three-way group', async () => {
    assert.equal(await shapeOf([
      'qkv = torch.randn(2, 128, 1536)',
      "q, k, v = rearrange(qkv, 'b n (three h d) -> three b h n d', three=3, h=8)",
    ], 'F.scaled_dot_product_attention(q, k, v)'), 'B=2 H=8 L=128 D=64 layout=BHLD');
    const [site] = await sitesOfSource([
      'import torch', 'import torch.nn.functional as F', 'from einops import rearrange', '',
      'def train_step():',
      '    q = torch.randn(2, 128, 1536).chunk(3, dim=-1)[0]',
      "    q = rearrange(q, 'b n (h d) -> b n h d', h=8)",
      '    return F.scaled_dot_product_attention(q.transpose(1, 2), q.transpose(1, 2), q.transpose(1, 2))',
    ].join('\n'));
    assert.equal(told(site!.modes.train.facts.shape.headDim), '64 | `d` = 64 (`1536` = 1536 (snippet.py:6) / 3 (`chunk(3)`) / 8)');
  });

  it('keeps the dims an ellipsis stands for, and multiplies a group on the right', async () => {
    assert.equal(await shapeOf([
      'x = torch.randn(2, 128, 512)',
      "q = rearrange(x, '... (h d) -> ... h d', h=8).transpose(1, 2)",
    ]), 'B=2 H=8 L=128 D=64 layout=BHLD');
    assert.equal(await shapeOf([
      'x = torch.randn(2, 8, 128, 64)',
      "y = rearrange(x, 'b h n d -> b n (h d)')",
      "q = rearrange(y, 'b n (h d) -> b h n d', d=64)",
    ]), 'B=2 H=8 L=128 D=64 layout=BHLD');
  });

  it('repeats key/value heads with einops.repeat', async () => {
    assert.equal(await shapeOf([
      'from einops import repeat',
      'k = torch.randn(2, 128, 2, 64)',
      "k = repeat(k, 'b n h d -> b (h g) n d', g=4)",
    ], 'F.scaled_dot_product_attention(k, k, k)'), 'B=2 H=8 L=128 D=64 layout=BHLD');
  });

  it('leaves the shape unknown where the pattern does not fit or is not read', async () => {
    assert.equal(await shapeOf(['x = torch.randn(2, 128, 512)', "q = rearrange(x, 'b h n d -> b n h d')"]), 'B=? H=? L=? D=? layout=?');
    assert.equal(await shapeOf(['x = torch.randn(2, 128, 512)', "q = rearrange(x, 'b n (h (d e)) -> b h n d e', h=8)"]), 'B=? H=? L=? D=? layout=?');
  });
});
