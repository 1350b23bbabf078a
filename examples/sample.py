"""Greedy sampling: runs the blocks without a mask, one token at a time, under autocast."""
import torch

from model import Transformer


@torch.inference_mode()
def generate(model: Transformer, idx, steps):
    with torch.autocast('cuda', dtype=torch.float16):
        for _ in range(steps):
            x = model.embed(idx)
            for block in model.blocks:
                x = block(x, attn_bias=None)
            logits = model.head(x[:, -1])
            idx = torch.cat([idx, logits.argmax(-1, keepdim=True)], dim=1)
    return idx
