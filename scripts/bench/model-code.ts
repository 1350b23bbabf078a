/**
 * Generated PyTorch model code for the analysis benchmark: attention modules in the styles real
 * projects use (SDPA with and without masks, nanoGPT's flash flag, flash-attn / xformers / plain
 * branches gated on the mask, hand-written attention, nn.MultiheadAttention, rotary embeddings in
 * float32), plus training and sampling code under autocast that calls them.
 */

/** One module; `n` makes its names unique so the file reads as one large code base. */
type Template = (n: number) => string;

const HEADER = `import math
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.functional import scaled_dot_product_attention as slow_attn
try:
    from flash_attn import flash_attn_func
except ImportError:
    flash_attn_func = None
try:
    import xformers.ops as xops
except ImportError:
    xops = None
`;

const TEMPLATES: readonly Template[] = [
  (n) => `
class CausalSelfAttention${n}(nn.Module):
    def __init__(self, n_embd=768, n_head=12, dropout=0.1):
        super().__init__()
        assert n_embd % n_head == 0
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.n_head = n_head
        self.n_embd = n_embd
        self.dropout = dropout
        self.flash = hasattr(torch.nn.functional, 'scaled_dot_product_attention')
        if not self.flash:
            self.register_buffer("bias", torch.tril(torch.ones(1024, 1024)).view(1, 1, 1024, 1024))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        if self.flash:
            y = torch.nn.functional.scaled_dot_product_attention(
                q, k, v, attn_mask=None, dropout_p=self.dropout if self.training else 0, is_causal=True)
        else:
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
            att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float('-inf'))
            att = F.softmax(att, dim=-1)
            y = att @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)
`,
  (n) => `
class GatedAttention${n}(nn.Module):
    def __init__(self, dim=1024, heads=16, use_flash=True):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.out = nn.Linear(dim, dim)
        self.use_flash = use_flash

    def forward(self, x, attn_bias=None):
        B, L, _ = x.shape
        qkv = self.qkv(x).view(B, L, 3, self.heads, self.head_dim)
        q, k, v = qkv.unbind(dim=2)
        using_flash = self.use_flash and attn_bias is None and flash_attn_func is not None and qkv.dtype != torch.float32
        if using_flash:
            out = flash_attn_func(q, k, v, dropout_p=0.0, causal=True)
        elif xops is not None:
            out = xops.memory_efficient_attention(q, k, v, attn_bias=attn_bias)
        else:
            q, k, v = (t.transpose(1, 2) for t in (q, k, v))
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_bias).transpose(1, 2)
        return self.out(out.reshape(B, L, -1))
`,
  (n) => `
class RotaryAttention${n}(nn.Module):
    def __init__(self, dim=512, n_heads=8):
        super().__init__()
        self.n_heads = n_heads
        self.head_dim = dim // n_heads
        self.wq = nn.Linear(dim, dim, bias=False)
        self.wk = nn.Linear(dim, dim, bias=False)
        self.wv = nn.Linear(dim, dim, bias=False)
        self.wo = nn.Linear(dim, dim, bias=False)

    def rotate(self, x, freqs):
        x_ = torch.view_as_complex(x.float().reshape(*x.shape[:-1], -1, 2))
        return torch.view_as_real(x_ * freqs).flatten(3)

    def forward(self, x, freqs, mask=None):
        bsz, seqlen, _ = x.shape
        xq = self.wq(x).view(bsz, seqlen, self.n_heads, self.head_dim)
        xk = self.wk(x).view(bsz, seqlen, self.n_heads, self.head_dim)
        xv = self.wv(x).view(bsz, seqlen, self.n_heads, self.head_dim)
        xq, xk = self.rotate(xq, freqs), self.rotate(xk, freqs)
        xq, xk, xv = xq.transpose(1, 2), xk.transpose(1, 2), xv.transpose(1, 2)
        output = F.scaled_dot_product_attention(xq, xk, xv, attn_mask=mask)
        return self.wo(output.transpose(1, 2).contiguous().view(bsz, seqlen, -1))
`,
  (n) => `
class ManualAttention${n}(nn.Module):
    def __init__(self, d_model=256, nhead=4, dropout=0.1):
        super().__init__()
        self.nhead = nhead
        self.d_k = d_model // nhead
        self.proj = nn.Linear(d_model, 3 * d_model)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, mask=None):
        b, t, c = x.shape
        q, k, v = self.proj(x).chunk(3, dim=-1)
        q = q.reshape(b, t, self.nhead, self.d_k).permute(0, 2, 1, 3)
        k = k.reshape(b, t, self.nhead, self.d_k).permute(0, 2, 1, 3)
        v = v.reshape(b, t, self.nhead, self.d_k).permute(0, 2, 1, 3)
        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(self.d_k)
        if mask is not None:
            scores = scores.masked_fill(mask == 0, -1e9)
        weights = self.drop(torch.softmax(scores, dim=-1))
        return torch.einsum('bhqk,bhkd->bhqd', weights, v).transpose(1, 2).reshape(b, t, c)
`,
  (n) => `
class EncoderBlock${n}(nn.Module):
    def __init__(self, d_model=512, nhead=8):
        super().__init__()
        self.attn = nn.MultiheadAttention(d_model, nhead, dropout=0.1, batch_first=True)
        self.norm = nn.LayerNorm(d_model)
        self.ff = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model))

    def forward(self, x, key_padding_mask=None):
        h = self.norm(x)
        a, _ = self.attn(h, h, h, key_padding_mask=key_padding_mask, need_weights=False)
        x = x + a
        return x + self.ff(self.norm(x))
`,
  (n) => `
class HalfPrecisionAttention${n}(nn.Module):
    def __init__(self, dim=768, heads=12):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)

    def forward(self, x, bias=None):
        q, k, v = self.qkv(x).view(x.shape[0], x.shape[1], 3, self.heads, -1).unbind(2)
        q = q.half()
        k = k.to(torch.float16)
        v = v.to(dtype=q.dtype)
        if bias is not None:
            bias = bias.to(q.dtype)
        return slow_attn(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), attn_mask=bias, is_causal=bias is None)
`,
  (n) => `
class Model${n}(nn.Module):
    def __init__(self, depth=4):
        super().__init__()
        self.blocks = nn.ModuleList([CausalSelfAttention${n}() for _ in range(depth)])
        self.gated = GatedAttention${n}()

    def forward(self, x, attn_bias=None):
        for block in self.blocks:
            x = x + block(x)
        return self.gated(x, attn_bias=attn_bias)


def train_step${n}(model, batch, bias, optimizer):
    model.train()
    with torch.autocast(device_type="cuda", dtype=torch.bfloat16):
        loss = model(batch, attn_bias=bias).pow(2).mean()
    loss.backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return loss.item()


@torch.no_grad()
def sample${n}(model, x, steps=16):
    model.eval()
    with torch.autocast(device_type="cuda", dtype=torch.float16):
        for _ in range(steps):
            x = torch.cat([x, model(x)[:, -1:]], dim=1)
    return x
`,
];

/** Model code of at least `minLines` lines: the header, then the templates in turn, numbered. */
export function generateModelCode(minLines: number): string {
  const parts = [HEADER];
  let lines = HEADER.split('\n').length - 1;
  for (let n = 0; lines < minLines; n++) {
    for (const template of TEMPLATES) {
      const part = template(n);
      parts.push(part);
      lines += part.split('\n').length - 1;
    }
  }
  return parts.join('');
}

