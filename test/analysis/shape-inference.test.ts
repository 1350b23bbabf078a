/**
 * Shape inference as a table: a few lines of code before an SDPA call → the heads and head sizes
 * the call sees (q heads, kv heads, q/k head size, v head size; `?` unknown). Ops that keep their
 * input's shape keep it; ops that change it in ways the analysis does not read make it unknown,
 * never a stale copy of the input's.
 */
import * as assert from 'node:assert/strict';
import type { ModeSite } from '../../extension/analysis/call-facts/call-sites';
import type { AnalysisSettings } from '../../extension/analysis/report';
import { callReport, environmentOf } from '../../extension/analysis/reporting/build-report';
import { fact, outcome, program, SETTINGS, siteLine, sitesOf, sitesOfSource, told } from './helpers';

function heads(m: ModeSite): string {
  const s = m.facts.shape;
  return `H=${fact(s.heads)} Hkv=${fact(s.kvHeads)} D=${fact(s.headDim)} Dv=${fact(s.headDimV)}`;
}

const SHAPED = 'B, H, L, D = 2, 8, 16, 64\nq = torch.randn(B, H, L, D)\nkv = torch.randn(B, 2, L, D)\n';

const TABLE: readonly [string, string][] = [
  [`${SHAPED}k = q.contiguous()\nv = q.clone().detach()`, 'H=8 Hkv=8 D=64 Dv=64'],
  [`${SHAPED}k = F.layer_norm(q, (D,))\nv = F.dropout(F.gelu(q), 0.1)`, 'H=8 Hkv=8 D=64 Dv=64'],
  [`${SHAPED}k = q.masked_fill(q > 0, 0.0).pow(2)\nv = torch.tanh(q).neg()`, 'H=8 Hkv=8 D=64 Dv=64'],
  // Grouped-query attention: the keys repeated to the query heads.
  [`${SHAPED}k = torch.repeat_interleave(kv, H // 2, dim=1)\nv = kv.repeat_interleave(4, dim=-3)`, 'H=8 Hkv=8 D=64 Dv=64'],
  [`${SHAPED}k = kv\nv = kv.repeat_interleave(4, 1)`, 'H=8 Hkv=2 D=64 Dv=64'],
  // Shape-changing ops the analysis does not read: unknown, not the input's shape.
  [`${SHAPED}k = torch.flatten(q, 2)\nv = q`, 'H=8 Hkv=? D=64 Dv=64'],
  [`${SHAPED}k = q\nv = torch.mean(q, dim=-1, keepdim=True)`, 'H=8 Hkv=8 D=64 Dv=?'],
  [`${SHAPED}k = q\nv = kv.repeat_interleave(4)`, 'H=8 Hkv=8 D=64 Dv=?'],
];

describe('shape inference', () => {
  for (const [body, want] of TABLE) {
    it(`${body.slice(SHAPED.length).replace(/\n/g, '; ')} → ${want}`, async () => {
      const sites = await sitesOfSource(program(body, false));
      assert.equal(sites.length, 1);
      assert.equal(heads(sites[0].modes.train), want);
    });
  }

  // Causal SDPA needs Lq = Lk for flash; unknown lengths are equal only where one variable of the
  // calling frame gives both (never from a callee's result, nor across a rebinding on some path).
  const LENGTHS: readonly [string, readonly string[], boolean][] = [
    ['self-attention: q and k viewed with the T of x.size()', [
      'B, T, C = x.size()',
      'q = x.view(B, T, 8, 64).transpose(1, 2)',
      'k = x.view(B, T, 8, 64).transpose(1, 2)',
    ], true],
    ['a length passed as an argument', [
      'q = x.view(2, n, 8, 64).transpose(1, 2)',
      'k = ctx.view(2, n, 8, 64).transpose(1, 2)',
    ], true],
    ['cross-attention: T of x, S of ctx', [
      'B, T, C = x.size()', 'S = ctx.size(1)',
      'q = x.view(B, T, 8, 64).transpose(1, 2)',
      'k = ctx.view(B, S, 8, 64).transpose(1, 2)',
    ], false],
    ['T rebound on one path before k is viewed', [
      'B, T, C = x.size()',
      'q = x.view(B, T, 8, 64).transpose(1, 2)',
      'if ctx is not None:', '    B, T, C = ctx.size()',
      'k = x.view(B, T, 8, 64).transpose(1, 2)',
    ], false],
    ['q and k shaped by a helper: its T is another frame\'s', [
      'q = heads(x)',
      'k = heads(ctx)',
    ], false],
    // A helper that reads its input's dims back (`.shape`, `.size()`) gives back the caller's variables.
    ['k rebuilt to the query heads by repeat_kv (`.shape` unpacked, a `None` axis, expand, reshape)', [
      'B, T, C = x.size()',
      'q = x.view(B, T, 8, 64).transpose(1, 2)',
      'k = repeat_kv(x.view(B, T, 2, 64).transpose(1, 2), n)',
    ], true],
    ['q and k both through the helper that reads `.size()`', [
      'B, T, C = x.size()',
      'q = heads(x.view(B, T, 512))',
      'k = heads(x.view(B, T, 512))',
    ], true],
    ['k of another length (S) through repeat_kv', [
      'B, T, C = x.size()', 'S = ctx.size(1)',
      'q = x.view(B, T, 8, 64).transpose(1, 2)',
      'k = repeat_kv(ctx.view(B, S, 2, 64).transpose(1, 2), n)',
    ], false],
    ['a length passed to a helper as an argument', [
      'q = split(x, n)',
      'k = split(ctx, n)',
    ], true],
    ['different lengths passed to a helper', [
      'q = split(x, n)',
      'k = split(ctx, C)',
    ], false],
    // Equal memo keys (same text, same content), other variables: the reused result takes k's.
    ['T rebound between the inputs of one helper', [
      'B, T, C = x.size()',
      'a = x.view(B, T, 512)',
      'B, T, C = ctx.size()',
      'q = heads(a)',
      'k = heads(ctx.view(B, T, 512))',
    ], false],
    // a and b are equal but for their variables (T of x, T of ctx); second(a, a) then second(b, a):
    // one binding at two places of the first call's arguments, two in the reuse's. The result's
    // length is a's, not b's, though b comes first.
    ['a reused result whose binding the new arguments do not tell', [
      'B, T, C = x.size()',
      'a = rows(x, T)',
      'B, T, C = ctx.size()',
      'b = rows(x, T)',
      'q = x.view(B, T, 8, 64).transpose(1, 2)',
      'warm = second(a, a)',
      'k = second(b, a)',
    ], false],
    ['a length copied to another name, and one read back from q', [
      'B, T, C = x.size()', 'L = T',
      'q = x.view(B, L, 8, 64).transpose(1, 2)',
      'k = x.view(B, q.size(2), 8, 64).transpose(1, 2)',
    ], true],
    // heads4(x, T) twice, T rebound between: equal results but for the variable. A result reused
    // inside a dict is renamed too, so k has the second T, not q's.
    ['a reused result that holds its input in a dict', [
      'B, T, C = x.size()',
      'a = heads4(x, T)',
      'B, T, C = ctx.size()',
      'b = heads4(x, T)',
      'q = a.transpose(1, 2)',
      'first = boxed(a)["t"]',
      'k = boxed(b)["t"].transpose(1, 2)',
    ], false],
    // Pos(T) twice with equal arguments is one construction: its attributes hold the first T. What a
    // method reads back from them is not this call's S, whatever the construction's links say.
    ['a module built twice with equal arguments: its attributes are the first construction\'s', [
      'B, T, C = x.size()', 'S = T',
      'a = Pos(T)',
      'B, T, C = ctx.size()',
      'b = Pos(T)',
      'q = x.view(B, S, 8, 64).transpose(1, 2)',
      'k = b()',
    ], false],
  ];

  const NO_AUTOCAST: AnalysisSettings = { ...SETTINGS, autocast: 'off' };
  for (const [what, body, same] of LENGTHS) {
    it(`${what}: ${same ? 'equal lengths' : 'lengths not known equal'}`, async () => {
      const sites = await sitesOfSource([
        'import torch', 'import torch.nn.functional as F', '',
        'def heads(t):', '    B, T, C = t.size()', '    return t.view(B, T, 8, 64).transpose(1, 2)', '',
        'def split(t, L):', '    return t.view(2, L, 8, 64).transpose(1, 2)', '',
        'def rows(t, L):', '    return t.view(L, 512)', '',
        'def heads4(t, L):', '    return t.view(2, L, 8, 64)', '',
        'def boxed(t):', '    return {"t": t}', '',
        'class Pos(torch.nn.Module):',
        '    def __init__(self, n):', '        super().__init__()', '        self.table = torch.zeros(1, 8, n, 64)', '',
        '    def forward(self):', '        L = self.table.size(2)', '        return torch.zeros(2, 8, L, 64)', '',
        'def second(t, u):', '    L = u.size(0)', '    return torch.zeros(2, 8, L, 64)', '',
        'def repeat_kv(hidden_states, n_rep):',
        '    batch, num_key_value_heads, slen, head_dim = hidden_states.shape',
        '    if n_rep == 1:', '        return hidden_states',
        '    hidden_states = hidden_states[:, :, None, :, :].expand(batch, num_key_value_heads, n_rep, slen, head_dim)',
        '    return hidden_states.reshape(batch, num_key_value_heads * n_rep, slen, head_dim)', '',
        'def train_step(x, ctx, n, C):',
        ...body.map((line) => `    ${line}`),
        '    q, k = q.half(), k.half()',
        '    F.scaled_dot_product_attention(q, k, k, is_causal=True).sum().backward()',
      ].join('\n'), NO_AUTOCAST);
      const facts = sites[0]!.modes.train.facts;
      assert.equal(facts.shape.sameLength?.known === true && facts.shape.sameLength.value, same);
      assert.equal(outcome(callReport(sites[0]!, environmentOf(NO_AUTOCAST)).modes.train.decision).split(' ')[0], same ? 'runs' : 'depends');
    });
  }

  // transformers' SDPA attention: `is_causal` computed from the optional mask and the length.
  const MASKED: readonly [string, string][] = [
    ['None', 'runs sdpa.flash'],
    ['torch.zeros(B, 1, T, T, dtype=torch.float16)', 'runs sdpa.efficient'],
  ];
  for (const [mask, want] of MASKED) {
    it(`transformers-style call, causal_mask = ${mask}: ${want}`, async () => {
      const sites = await sitesOfSource([
        'import torch', 'import torch.nn.functional as F', '',
        'def repeat_kv(hidden_states, n_rep):',
        '    batch, num_key_value_heads, slen, head_dim = hidden_states.shape',
        '    hidden_states = hidden_states[:, :, None, :, :].expand(batch, num_key_value_heads, n_rep, slen, head_dim)',
        '    return hidden_states.reshape(batch, num_key_value_heads * n_rep, slen, head_dim)', '',
        'def train_step(x, n):',
        '    B, T, C = x.size()',
        '    query = x.view(B, T, 8, 64).transpose(1, 2).half()',
        '    key = repeat_kv(x.view(B, T, 2, 64).transpose(1, 2), n).half()',
        `    causal_mask = ${mask}`,
        '    is_causal = True if causal_mask is None and T > 1 else False',
        '    out = F.scaled_dot_product_attention(query, key, key, attn_mask=causal_mask, dropout_p=0.0, is_causal=is_causal)',
        '    out.sum().backward()',
      ].join('\n'), NO_AUTOCAST);
      assert.equal(sites[0]!.modes.train.facts.shape.sameLength?.known, true);
      assert.equal(outcome(callReport(sites[0]!, environmentOf(NO_AUTOCAST)).modes.train.decision), want);
    });
  }

  // The Llama fixture: train.py's model has 8 kv heads (repeat_kv rebuilds them, 8 × 4), sample.py's
  // 32 (`n_rep == 1`: the early return); on assumption (no config given) repeat_kv's two returns
  // join: k's length reads "differs by path" (the text differs), but it is q's `q_len` on both.
  it('keys rebuilt by repeat_kv keep the length q takes from `q_len` (llama/)', async () => {
    const sites = await sitesOf(['llama/modeling_llama.py', 'llama/train.py', 'llama/sample.py']);
    const lines = sites.flatMap((site) => (['train', 'infer'] as const).map((mode) => {
      const s = site.modes[mode].facts.shape;
      return `${siteLine(site)} ${mode}: ${s.sameLength ? told(s.sameLength) : '-'}; Lk ${told(s.seqKv)}; Hkv ${told(s.kvHeads)}`;
    }));
    assert.deepEqual(lines, [
      'llama/modeling_llama.py:105:23 sdpa LlamaAttention.forward train: true | q and k both take their length from `q_len`; Lk ? | differs by path; Hkv ? | differs by path',
      'llama/modeling_llama.py:105:23 sdpa LlamaAttention.forward infer: true | q and k both take their length from `q_len`; Lk ? | `q_len`; Hkv 32 | `self.num_key_value_heads` = 32 (sample.py:8)',
      'llama/modeling_llama.py:145:23 sdpa LlamaSdpaAttention.forward train: true | q and k both take their length from `q_len`; Lk ? | `slen`; Hkv 32 | `num_key_value_heads * n_rep` = 32 (num_key_value_heads * n_rep at modeling_llama.py:71)',
      'llama/modeling_llama.py:145:23 sdpa LlamaSdpaAttention.forward infer: true | q and k both take their length from `q_len`; Lk ? | differs by path; Hkv ? | differs by path',
    ]);
  });

  it("unpacks flash-attn's packed qkv and kv: q, k and v take their shape without the packed dim", async () => {
    const sites = await sitesOfSource([
      'import torch', 'from flash_attn import flash_attn_qkvpacked_func, flash_attn_kvpacked_func', '',
      'def train_step(x):', '    B, L, H, D = 2, 128, 8, 64',
      '    qkv = torch.randn(B, L, 3, H, D, dtype=torch.bfloat16)',
      '    kv = torch.randn(B, L, 2, H // 4, D, dtype=torch.bfloat16)',
      '    out = flash_attn_qkvpacked_func(qkv, causal=True) + flash_attn_kvpacked_func(qkv[:, :, 0], kv)',
      '    out.sum().backward()',
    ].join('\n'));
    assert.deepEqual(sites.map((s) => heads(s.modes.train)), ['H=8 Hkv=8 D=64 Dv=64', 'H=8 Hkv=2 D=64 Dv=64']);
  });
});

describe('slices with bounds the code shows', () => {
  it('give a dim of known extent its sliced extent (GPT-NeoX\'s q, k, v cut from one fused last dim), as Python clamps it', async () => {
    const sliced = async (index: string): Promise<string> => {
      const [site] = await sitesOfSource(['import torch', 'import torch.nn.functional as F', '',
        'def run(x):', '    qkv = torch.randn(2, 8, 16, 192)', `    q = qkv${index}`, '    return F.scaled_dot_product_attention(q, q, q)'].join('\n'));
      return told(site!.modes.train.facts.shape.headDim);
    };
    assert.equal(await sliced('[..., : 64]'), '64 | `[: 64]` of `192` = 192 (snippet.py:5)');
    assert.equal(await sliced('[..., 64 : 2 * 64]'), '64 | `[64 : 2 * 64]` of `192` = 192 (snippet.py:5)');
    assert.equal(await sliced('[:, :, :, -64:]'), '64 | `[-64:]` of `192` = 192 (snippet.py:5)');
    assert.equal(await sliced('[..., 128:1000]'), '64 | `[128:1000]` of `192` = 192 (snippet.py:5)');
    assert.equal(await sliced('[..., :n]'), '? | `192` = 192 (snippet.py:5) sliced');
  });
});
