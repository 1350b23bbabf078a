/**
 * Shapes from the forms transformers-style code writes them in: a view given one tuple (written at
 * the call, or built earlier with `*x.shape[:-1]`), a `-1` the other dims settle, chunks and splits
 * of a known dim, an `nn.Linear`'s out_features, dims added and removed (unsqueeze, squeeze,
 * flatten, unflatten), and `key.transpose(2, 3)` as kᵀ of a 4-D tensor.
 */
import * as assert from 'node:assert/strict';
import type { ModeSite } from '../../extension/analysis/call-facts/call-sites';
import { fact, program, sitesOfSource } from './helpers';

function shape(m: ModeSite): string {
  const s = m.facts.shape;
  return `B=${fact(s.batch)} H=${fact(s.heads)} L=${fact(s.seqQ)} D=${fact(s.headDim)} Dv=${fact(s.headDimV)}`;
}

const X = 'x = torch.randn(2, 16, 512)\n';

const TABLE: readonly [string, string][] = [
  // One tuple argument, written at the call or held in a variable (its items spread by `*`).
  [`${X}q = x.view((2, 16, 8, 64)).transpose(1, 2)\nk = v = q`, 'B=2 H=8 L=16 D=64 Dv=64'],
  [`${X}hidden = (*x.shape[:-1], -1, 64)\nq = x.view(hidden).transpose(1, 2)\nk = v = q`, 'B=2 H=8 L=16 D=64 Dv=64'],
  // Three dims: SDPA reads the last two as length and head size.
  [`${X}hidden = (*x.shape[1:], 64)\nq = x.view(hidden)\nk = v = q`, 'B=16 H=? L=512 D=64 Dv=64'],
  // A splat of unknown length leaves the tuple, and so the view, unknown.
  ['hidden = (*q.shape[:-1], -1, 64)\nq = x.view(hidden).transpose(1, 2)\nk = v = q', 'B=? H=? L=? D=? Dv=?'],
  // -1 is settled only where the input's size and every other dim are known.
  [`${X}q = x.view(2, 16, -1, 64).transpose(1, 2)\nk = v = q`, 'B=2 H=8 L=16 D=64 Dv=64'],
  [`${X}q = x.view(2, -1, 8, 64).transpose(1, 2)\nk = v = q`, 'B=2 H=8 L=16 D=64 Dv=64'],
  ['q = x.view(2, 16, -1, 64).transpose(1, 2)\nk = v = q', 'B=2 H=? L=16 D=64 Dv=64'],
  // Chunks and splits of a dim they divide; an nn.Linear's out_features as its last dim.
  [`${X}q, k, v = m.proj(x).chunk(3, dim=-1)\nq, k, v = (t.view(2, 16, 1, 64).transpose(1, 2) for t in (q, k, v))`, 'B=2 H=1 L=16 D=64 Dv=64'],
  [`${X}q, k, v = torch.chunk(torch.randn(2, 4, 16, 192), 3, -1)`, 'B=2 H=4 L=16 D=64 Dv=64'],
  [`${X}q, k, v = torch.randn(2, 4, 16, 192).split(64, dim=3)`, 'B=2 H=4 L=16 D=64 Dv=64'],
  [`${X}q, k, v = torch.randn(2, 4, 16, 192).split([64, 64, 64], dim=3)`, 'B=2 H=4 L=16 D=? Dv=?'],
  [`${X}q = k = v = m.proj(torch.randn(2, 4, 16, 64))`, 'B=2 H=4 L=16 D=192 Dv=192'],
  // Dims added and removed: unsqueeze, squeeze (only of a dim known to be 1), flatten, unflatten.
  [`${X}q = k = v = x.view(16, 8, 64).unsqueeze(0)`, 'B=1 H=16 L=8 D=64 Dv=64'],
  [`${X}q = k = v = x.view(2, 1, 16, 8, 64).squeeze(1)`, 'B=2 H=16 L=8 D=64 Dv=64'],
  [`${X}q = k = v = x.view(2, n, 16, 8, 64).squeeze(1)`, 'B=? H=? L=? D=64 Dv=64'],
  [`${X}q = k = v = x.view(2, 16, 8, 64).flatten(0, 1)`, 'B=32 H=? L=8 D=64 Dv=64'],
  [`${X}q = k = v = x.view(16, 16, 64).unflatten(0, (2, -1))`, 'B=2 H=8 L=16 D=64 Dv=64'],
];

describe('shapes from tuple arguments, -1, chunks and linear layers', () => {
  for (const [body, want] of TABLE) {
    it(`${body.replace(X, '').replace(/\n/g, '; ')} → ${want}`, async () => {
      const sites = await sitesOfSource(program(body, false));
      assert.equal(sites.length, 1);
      assert.equal(shape(sites[0]!.modes.train), want);
    });
  }

  it('reads `key.transpose(2, 3)` of a tensor of unknown rank as kᵀ: transformers-style eager attention', async () => {
    const source = [
      'import torch', 'import torch.nn.functional as F', '',
      'def eager(query, key, value, scaling):',
      '    weights = torch.matmul(query, key.transpose(2, 3)) * scaling',
      '    return torch.matmul(F.softmax(weights, dim=-1), value)',
    ].join('\n');
    const sites = await sitesOfSource(source);
    assert.deepEqual(sites.map((s) => `${s.api} ${s.span.line}:${s.span.column}`), ['manual 6:12']);
  });
});
