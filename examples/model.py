"""A small autoregressive transformer whose attention picks flash-attn, xformers or SDPA.

Attention Lens example: the fast paths are gated on `attn_bias is None` and on the dtype of
`qkv`, but q and k are L2-normalised and scaled by a float32 parameter after the gate.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

try:
    from flash_attn import flash_attn_func
except ImportError:
    flash_attn_func = None

try:
    import xformers.ops as xops
except ImportError:
    xops = None


class SelfAttention(nn.Module):
    def __init__(self, embed_dim=1024, num_heads=16, attn_drop=0.1):
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = embed_dim // num_heads
        self.qkv = nn.Linear(embed_dim, 3 * embed_dim, bias=False)
        self.proj = nn.Linear(embed_dim, embed_dim)
        self.log_scale = nn.Parameter(torch.full((1, 1, num_heads, 1), 4.0).log())
        self.attn_drop = attn_drop
        self.use_flash = flash_attn_func is not None
        self.use_xformers = xops is not None

    def forward(self, x, attn_bias):
        B, L, C = x.shape
        qkv = self.qkv(x).view(B, L, 3, self.num_heads, self.head_dim)
        main_type = qkv.dtype
        use_flash = self.use_flash and attn_bias is None and qkv.dtype != torch.float32
        q, k, v = qkv.unbind(dim=2)
        q = F.normalize(q, dim=-1) * self.log_scale.exp()
        k = F.normalize(k, dim=-1)
        dropout_p = self.attn_drop if self.training else 0.0
        if use_flash:
            out = flash_attn_func(q, k, v, dropout_p=dropout_p, softmax_scale=1.0)
        elif self.use_xformers:
            bias = None if attn_bias is None else attn_bias.to(main_type).expand(B, self.num_heads, -1, -1)
            out = xops.memory_efficient_attention(q, k, v, attn_bias=bias, p=dropout_p, scale=1.0)
        else:
            q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_bias, dropout_p=dropout_p, scale=1.0)
            out = out.transpose(1, 2)
        return self.proj(out.reshape(B, L, C))


class Block(nn.Module):
    def __init__(self, embed_dim=1024, num_heads=16):
        super().__init__()
        self.norm = nn.LayerNorm(embed_dim)
        self.attn = SelfAttention(embed_dim, num_heads)

    def forward(self, x, attn_bias):
        return x + self.attn(self.norm(x), attn_bias)


class Transformer(nn.Module):
    def __init__(self, vocab=4096, embed_dim=1024, num_heads=16, depth=4, block_size=256):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed_dim)
        self.blocks = nn.ModuleList([Block(embed_dim, num_heads) for _ in range(depth)])
        self.head = nn.Linear(embed_dim, vocab)
        causal = torch.full((block_size, block_size), float('-inf')).triu(1)
        self.register_buffer('causal_bias', causal.view(1, 1, block_size, block_size))

    def forward(self, idx):
        x = self.embed(idx)
        L = idx.shape[1]
        attn_bias = self.causal_bias[:, :, :L, :L]
        for block in self.blocks:
            x = block(x, attn_bias)
        return self.head(x)


def train_step(model: Transformer, optimizer, idx, targets):
    with torch.autocast('cuda', dtype=torch.float16):
        logits = model(idx)
        loss = F.cross_entropy(logits.flatten(0, 1), targets.flatten())
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    return loss
