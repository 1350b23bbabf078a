/** Never guess: an unknown fact that decides the outcome gives "depends on …"; one that does not is ignored. */
import { call, env, runRows, U, type Row } from './call';

const rows: Row[] = [
  ["q's dtype unknown: SDPA depends", call({ q: U("q's dtype") }), env(), {
    outcome: 'depends', backend: 'sdpa.flash', reasons: { 'sdpa.flash': "depends on q's dtype" },
  }],
  ['autocast unknown with mixed dtypes: depends on it', call({ q: 'float32', v: 'float16', autocast: U('whether the call runs under autocast') }), env(), {
    outcome: 'depends', reasons: { 'sdpa.flash': 'depends on whether the call runs under autocast' },
  }],
  ['mask unknown: flash depends on it', call({ mask: U('whether attn_bias is None') }), env(), {
    outcome: 'depends', backend: 'sdpa.flash', status: { 'sdpa.flash': 'depends' },
  }],
  ['two unknowns are both named', call({ mask: U('whether attn_bias is None'), headDim: U('the head dim') }), env(), {
    outcome: 'depends', reasons: { 'sdpa.flash': 'depends on whether attn_bias is None' },
  }],
  ['head dim unknown behind a known mask: efficient depends', call({ mask: 'bool', headDim: U('the head dim') }), env(), {
    outcome: 'depends', backend: 'sdpa.efficient', status: { 'sdpa.flash': 'rejected', 'sdpa.efficient': 'depends' },
    reasons: { 'sdpa.efficient': 'depends on the head dim' },
  }],
  ['training unknown does not matter on sm80', call({ mode: U('training or inference'), headDim: 200 }), env(), { outcome: 'runs', backend: 'sdpa.flash' }],
  ['training unknown matters on sm86 with head dim 200', call({ mode: U('training or inference'), headDim: 200 }), env({ sm: 86 }), {
    outcome: 'depends', reasons: { 'sdpa.flash': 'depends on training or inference' },
  }],
  ['unknowns that only a later backend reads do not hold up the chosen one', call({ q: 'float32', causal: U('is_causal') }), env(), {
    outcome: 'runs', backend: 'sdpa.efficient', status: { 'sdpa.flash': 'rejected', 'sdpa.math': 'depends' },
  }],
  ['an unknown in a rejected backend is not reported as depends', call({ q: 'float32', causal: U('is_causal'), seqQ: 1 }), env(), {
    outcome: 'runs', backend: 'sdpa.efficient', status: { 'sdpa.flash': 'rejected' },
  }],
  ["flash-attn: q's dtype unknown depends", call({ api: 'flash_attn_func', q: U("q's dtype"), k: 'float16', v: 'float16' }), env(), {
    outcome: 'depends', backend: 'flash_attn.fa2',
  }],
  ['flash-attn: a certain later error still raises, noting the earlier unknown', call({ api: 'flash_attn_func', q: U("q's dtype"), headDim: 512 }), env(), {
    outcome: 'raises', error: 'FlashAttention forward only supports head dimension at most 256', notes: ["an earlier check may raise first: it depends on q's dtype"],
  }],
  ['a float bias of unknown dtype depends', call({ mask: 'float', maskDtype: U("attn_bias's dtype") }), env(), {
    outcome: 'depends', reasons: { 'sdpa.efficient': "depends on attn_bias's dtype" },
  }],
];

describe('dispatch: unknown facts', () => runRows(rows));
