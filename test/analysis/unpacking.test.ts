/**
 * Unpacking into patterns: a starred name collects the middle items, names unpacked in a
 * comprehension's `for` take their items, `zip` pairs items up to the shortest tuple, and a copy
 * (`copy.deepcopy`) is the value copied.
 */
import * as assert from 'node:assert/strict';
import { dtypes, sitesOfSource, told } from './helpers';

const HEADER = [
  'import copy', 'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '',
  'def train_step(x):',
  '    a = torch.randn(2, 8, 16, 64, dtype=torch.float16)',
  '    b = torch.randn(2, 8, 16, 64, dtype=torch.bfloat16)',
  '    c = torch.randn(2, 8, 16, 64, dtype=torch.float32)',
];

async function trainDtypes(lines: readonly string[]): Promise<string[]> {
  const sites = await sitesOfSource([...HEADER, ...lines].join('\n'));
  return sites.map((s) => dtypes(s.modes.train));
}

describe('unpacking', () => {
  it('gives a starred name the middle items and the names after it the last ones', async () => {
    assert.deepEqual(await trainDtypes([
      '    first, *middle, last = (a, b, b, c)',
      '    F.scaled_dot_product_attention(first, middle[0], last)',
      '    F.scaled_dot_product_attention(*middle, a)',
      '    q, *rest = (c,)',
      '    F.scaled_dot_product_attention(q, q, rest)',
    ]), ['fp16,bf16,fp32', 'bf16,bf16,fp16', 'fp32,fp32,?']);
  });

  it('leaves every name unknown when the counts cannot match', async () => {
    const [site] = await sitesOfSource([...HEADER, '    p, q, *r = (a,)', '    F.scaled_dot_product_attention(p, p, p)'].join('\n'));
    assert.equal(told(site!.modes.train.facts.dtypes.q), '? | `p`');
  });

  it('pairs items with zip, to the shortest tuple, in comprehensions and loops', async () => {
    assert.deepEqual(await trainDtypes([
      '    casts = [t.to(d) for t, d in zip((c, c, c, c), (torch.float16, torch.bfloat16, torch.float16))]',
      '    F.scaled_dot_product_attention(*casts)',
      // Both passes take (a, c): `b`, third, has no partner.
      '    for t, u in zip((a, a), (c, c, b)):',
      '        F.scaled_dot_product_attention(t, u, u)',
    ]), ['fp16,bf16,fp16', 'fp16,fp32,fp32']);
  });

  it('zips a module list of like modules with a tuple (The Annotated Transformer)', async () => {
    const sites = await sitesOfSource([
      'import copy', 'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '',
      'class Attention(nn.Module):',
      '    def __init__(self, h=8, d_model=512):',
      '        super().__init__()',
      '        self.h = h',
      '        self.d_k = d_model // h',
      '        self.linears = nn.ModuleList([copy.deepcopy(nn.Linear(d_model, d_model)) for _ in range(4)])',
      '',
      '    def forward(self, query, key, value):',
      '        n = query.size(0)',
      '        query, key, value = [lin(x).view(n, -1, self.h, self.d_k).transpose(1, 2) for lin, x in zip(self.linears, (query, key, value))]',
      '        return F.scaled_dot_product_attention(query, key, value)',
    ].join('\n'));
    const facts = sites[0]!.modes.train.facts;
    assert.equal(told(facts.shape.heads), '8 | `self.h` = 8 (snippet.py:7)');
    assert.equal(told(facts.shape.headDim), '64 | `self.d_k` = 64 (d_model // h at snippet.py:10)');
  });

  it('reads the last dim of a Linear output of unknown rank, and no other', async () => {
    const sites = await sitesOfSource([
      'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '',
      'class Attention(nn.Module):',
      '    def __init__(self, dim=512, heads=8):',
      '        super().__init__()',
      '        self.heads = heads',
      '        self.to_k = nn.Linear(dim, dim)',
      '',
      '    def forward(self, x):',
      '        k = self.to_k(x)',
      '        *_, inner = k.shape',
      '        batch, length, width = k.shape',
      '        q = k.view(batch, length, self.heads, k.size(-1) // self.heads).transpose(1, 2)',
      '        v = k.view(k.shape[0], -1, self.heads, inner // self.heads).transpose(1, 2)',
      '        w = k.view(k.shape[-2], -1, self.heads, width // self.heads).transpose(1, 2)',
      '        F.scaled_dot_product_attention(v, v, v)',
      '        return F.scaled_dot_product_attention(q, w, w)',
    ].join('\n'));
    const [first, second] = sites.map((s) => s.modes.train.facts.shape);
    assert.equal(told(first!.headDim), '64 | `inner // self.heads` = 64 (inner // self.heads at snippet.py:16)');
    assert.equal(told(second!.headDim), '64 | `k.size(-1) // self.heads` = 64 (k.size(-1) // self.heads at snippet.py:15)');
    assert.equal(told(second!.headDimV), '64 | `width // self.heads` = 64 (width // self.heads at snippet.py:17)');
    // The first dims are not known: the rank is not.
    assert.equal(told(second!.batch), '? | `batch`');
    assert.equal(told(first!.batch), '? | `k.shape[0]`');
  });

  it('counts the pieces of a split whose dim is known, so a starred split fills a tuple (lucidrains)', async () => {
    const sites = await sitesOfSource([
      'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '',
      'def train_step(x):',
      '    to_q, to_kv = nn.Linear(512, 512), nn.Linear(512, 1024)',
      '    q, k, v = (to_q(x), *to_kv(x).chunk(2, dim=-1))',
      '    a, b = torch.randn(2, 8, 16, 64, dtype=torch.float16).unbind(0)',
      '    F.scaled_dot_product_attention(k.view(2, 16, 8, k.size(-1) // 8), q, v)',
      '    return F.scaled_dot_product_attention(a, a, b)',
    ].join('\n'));
    // k is one of the two pieces of the 1024 features: 512 of them.
    assert.equal(told(sites[0]!.modes.train.facts.shape.headDim), '64 | `k.size(-1) // 8` = 64 (k.size(-1) // 8 at snippet.py:9)');
    assert.equal(dtypes(sites[1]!.modes.train), 'fp16,fp16,fp16');
  });

  it('keeps the head size through a squeeze of a dim that may be 1, where it is not 1 itself', async () => {
    const sites = await sitesOfSource([
      'import torch', 'import torch.nn.functional as F', 'from flash_attn import flash_attn_func', '',
      'def train_step(n):',
      '    q = torch.randn(2, n, 8, 64, dtype=torch.float16)',
      '    flash_attn_func(q.squeeze(1), q.squeeze(1), q.squeeze(1))',
      '    flash_attn_func(q.squeeze(), q, q)',
      '    return flash_attn_func(torch.randn(2, n, 8, 1, dtype=torch.float16).squeeze(), q, q)',
    ].join('\n'));
    assert.deepEqual(sites.map((s) => told(s.modes.train.facts.shape.headDim)), [
      '64 | `64` = 64 (snippet.py:6)', '64 | `64` = 64 (snippet.py:6)', '? | the head size of q',
    ]);
  });

  it('zips something of unknown items with a tuple into tuples of an unknown item and the tuple\'s items joined', async () => {
    const [site] = await sitesOfSource([...HEADER, '    for t, u in zip(x, (a, b)):', '        F.scaled_dot_product_attention(t, u, u)'].join('\n'));
    assert.equal(dtypes(site!.modes.train), '?,?,?', 'u is a (float16) or b (bfloat16)');
    const [alike] = await sitesOfSource([...HEADER, '    for t, u in zip(x, (a, a.clone())):', '        F.scaled_dot_product_attention(t, u, u)'].join('\n'));
    assert.equal(dtypes(alike!.modes.train), '?,fp16,fp16');
  });

  it('repeats a list\'s items (`[None] * len(scales)`): n times where n is known, any number of them where not', async () => {
    const sites = await sitesOfSource([...HEADER,
      '    for s, mask in zip(x, [None] * len(x)):',
      '        if mask is not None:',
      '            F.scaled_dot_product_attention(a, a, a, attn_mask=mask)',
      '    p, q = [c] * 2',
      '    return F.scaled_dot_product_attention(p, q, q)',
    ].join('\n'));
    assert.deepEqual(sites.map((s) => s.modes.train.reached), [false, true]);
    assert.equal(dtypes(sites[1]!.modes.train), 'fp32,fp32,fp32');
  });
});
