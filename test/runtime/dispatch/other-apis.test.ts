/** nn.MultiheadAttention (SDPA's policy with a note) and hand-written attention (always math). */
import assert from 'node:assert/strict';
import { decide } from '../../../runtime/dispatch/policy';
import type { CallFacts } from '../../../runtime/dispatch/facts';
import { call, env, runRows, U, type Row } from './call';

const rows: Row[] = [
  ['MultiheadAttention with need_weights=False follows SDPA on CUDA', call({ api: 'multihead_attention', needWeights: false }), env(), {
    outcome: 'runs', backend: 'sdpa.flash', status: { 'mha.weights': 'rejected' },
  }],
  ['MultiheadAttention with need_weights=False follows SDPA on CPU', call({ api: 'multihead_attention', needWeights: false, q: 'float32', dropout: 0.1, mode: 'train' }), env({ device: 'cpu' }), {
    outcome: 'runs', backend: 'sdpa.math', notes: ['materialises'],
  }],
  ['MultiheadAttention with need_weights=True computes the weights itself, whatever SDPA would run', call({ api: 'multihead_attention', needWeights: true }), env(), {
    outcome: 'runs', backend: 'mha.weights',
    reasons: { 'sdpa.flash': 'need_weights=True: nn.MultiheadAttention computes softmax(q·kᵀ)·v itself to return the weights. Set need_weights=False to use the optimized scaled_dot_product_attention and achieve the best performance for MHA.' },
  }],
  ['MultiheadAttention with need_weights unknown depends on it', call({ api: 'multihead_attention', needWeights: U('the argument `w` of f') }), env(), {
    outcome: 'depends', backend: 'sdpa.flash',
  }],
  ['MultiheadAttention validation still raises first', call({ api: 'multihead_attention', needWeights: true, q: 'float32', v: 'float16' }), env(), {
    outcome: 'raises',
  }],
  ['hand-written attention is math; SDPA would run flash', call({ api: 'manual' }), env(), {
    outcome: 'runs', backend: 'manual.math',
    notes: ['F.scaled_dot_product_attention would run the fused sdpa.flash kernel here, without materialising the score matrix'],
  }],
  ['hand-written attention with an open head size is decided; the note says what SDPA\'s kernel hinges on', call({ api: 'manual', headDim: U('`self.head_dim`') }), env(), {
    outcome: 'runs', backend: 'manual.math',
    notes: ['F.scaled_dot_product_attention would run sdpa.flash at best here; which kernel it takes hinges on `self.head_dim`'],
  }],
  ['hand-written float64 attention: SDPA would also use math', call({ api: 'manual', q: 'float64' }), env(), {
    outcome: 'runs', backend: 'manual.math', notes: ['F.scaled_dot_product_attention would also run its math kernel here'],
  }],
  ['hand-written attention with mixed dtypes: SDPA would raise', call({ api: 'manual', q: 'float32', v: 'float16' }), env(), {
    outcome: 'runs', notes: ['F.scaled_dot_product_attention would raise here: Expected query, key, and value to have the same dtype'],
  }],
];

describe('dispatch: other APIs', () => {
  runRows(rows);
  it('refuses an unknown api by name', () => {
    const facts = { ...call(), api: 'softmax_attention' } as unknown as CallFacts;
    assert.throws(() => decide(facts, env()), /decide: facts\.api must be one of sdpa, .*; got softmax_attention/);
  });
});
