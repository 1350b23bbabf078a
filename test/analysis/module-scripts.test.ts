/**
 * Scripts: module-level code (top level, loops, `if __name__ == "__main__":`, `with` blocks) as a
 * path start. `.backward()` there makes a training path; `model.eval()`, `no_grad` and
 * `model.train()` later in the script switch it as inside a function; functions the loop calls keep
 * their own binding mode and read the script's variables. Exact annotations and the paths' sources.
 */
import * as assert from 'node:assert/strict';
import type { CallSite } from '../../extension/analysis/call-facts/call-sites';
import { resolveLineMarks } from '../../extension/analysis/syntax/positions';
import type { Mode } from '../../runtime/dispatch/facts';
import { annotate, SETTINGS, sitesOf, sitesOfSource } from './helpers';

const DIR = 'module-scripts';

/** What starts or switches the paths of a kind that reach the call, each source once. */
function pathSources(site: CallSite, mode: Mode): string[] {
  return [...new Set(site.modes[mode].observations.map((o) => resolveLineMarks(o.ctx.mode.source)))];
}

interface Summary { readonly lines: readonly string[]; readonly train: readonly string[]; readonly infer: readonly string[] }

/** The annotations, and the sources of the paths reaching the (one) call on each kind. */
function summary(sites: readonly CallSite[]): Summary {
  return { lines: annotate(sites), train: pathSources(sites[0]!, 'train'), infer: pathSources(sites[0]!, 'infer') };
}

/** model.py analysed with the scripts named. */
async function withScripts(...scripts: string[]): Promise<Summary> {
  return summary(await sitesOf([`${DIR}/model.py`, ...scripts.map((s) => `${DIR}/${s}`)]));
}

const SITE = 'module-scripts/model.py:21:13 sdpa CausalSelfAttention.forward';
/** GPT.generate, which nobody in model.py and one script calls, samples outside any autocast region the code shows. */
const GENERATE = '@torch.no_grad() on GPT.generate';

describe('analysis: module-level scripts', () => {
  it('a module-level loop with `scaler.scale(loss).backward()` reaches the call on the training path; its no_grad `estimate_loss()` on the inference path', async () => {
    assert.deepEqual(await withScripts('train.py'), {
      lines: [
        SITE,
        '  train reached=true bf16,bf16,bf16 mask=none causal=true p=0.1 layout=BHLD H=8 D=64 → flash',
        '  infer reached=true ?,?,? mask=none causal=true p=0 layout=BHLD H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
      ],
      train: ['`.backward()` at module level of train.py'],
      infer: ['`model.eval()` at train.py:36', GENERATE],
    });
  });

  it('a sampling script (no backward, `model.eval()`, `with torch.no_grad():`) reaches the call on the inference path only', async () => {
    assert.deepEqual(await withScripts('sample.py'), {
      lines: [
        SITE,
        '  train reached=false ?,?,? mask=none causal=true p=? layout=BHLD H=8 D=? → efficient (flash off: float32) without autocast, if `self.head_dim` is a multiple of 4 · math (flash off: float32) without autocast, if `self.head_dim` is not a multiple of 4 · flash under float16 or bfloat16 autocast, if `self.head_dim` is ≤ 256 · efficient (flash off: head dim `self.head_dim`) under float16 or bfloat16 autocast, if `self.head_dim` is a multiple of 8 and > 256 · math (flash off: head dim `self.head_dim`) under float16 or bfloat16 autocast, if `self.head_dim` is not a multiple of 8 and > 256',
        '  infer reached=true fp16,fp16,fp16 mask=none causal=true p=0 layout=BHLD H=8 D=64 → flash',
      ],
      train: ['assumed: no caller of CausalSelfAttention.forward shows the training path'],
      infer: [GENERATE],
    });
  });

  it('under `if __name__ == "__main__":`, `accelerator.backward(loss)` makes the loop training; `model.eval()` and no_grad after it make inference', async () => {
    assert.deepEqual(await withScripts('finetune.py'), {
      lines: [
        SITE,
        '  train reached=true ?,?,? mask=none causal=true p=0.05 layout=BHLD H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
        '  infer reached=true ?,?,? mask=none causal=true p=0 layout=BHLD H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
      ],
      train: ['`.backward()` at module level of finetune.py'],
      infer: [GENERATE, '`torch.no_grad()` at finetune.py:26'],
    });
  });

  it('all scripts together: each path joins its scripts\' facts', async () => {
    // finetune.py's dropout (0.05) is not train.py's (0.1), and its loop runs outside any autocast region the code shows.
    assert.deepEqual(await withScripts('train.py', 'sample.py', 'finetune.py'), {
      lines: [
        SITE,
        '  train reached=true ?,?,? mask=none causal=true p=? layout=BHLD H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
        '  infer reached=true ?,?,? mask=none causal=true p=0 layout=BHLD H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
      ],
      train: ['`.backward()` at module level of train.py', '`.backward()` at module level of finetune.py'],
      infer: ['`model.eval()` at train.py:36', GENERATE, '`torch.no_grad()` at finetune.py:26'],
    });
  });

  it('module-level code without `.backward()` runs on either path on assumption, even in a file named train.py; a backward pass in a function the script calls starts the path there', async () => {
    assert.deepEqual(summary(await sitesOfSource(NO_BACKWARD, SETTINGS, 'train.py')), {
      lines: [
        'train.py:7:16 sdpa Attn.forward',
        '  train reached=null fp32,fp32,fp32 mask=none causal=false p=0.1 layout=? H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
        '  infer reached=null fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
      ],
      train: ['assumed: no caller of <module> shows the training path'],
      infer: ['assumed: no caller of <module> shows the inference path'],
    });
    // `step` reads the script's `model`, built above the loop that calls it.
    assert.deepEqual(summary(await sitesOfSource(BACKWARD_IN_STEP)), {
      lines: [
        'snippet.py:7:16 sdpa Attn.forward',
        '  train reached=true fp32,fp32,fp32 mask=none causal=false p=0.1 layout=? H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
        '  infer reached=false fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=? D=? → efficient (flash off: float32) without autocast, if D is a multiple of 4 (D: the head size of q and of v, taken equal) · math (flash off: float32) without autocast, if D is not a multiple of 4 · flash under float16 or bfloat16 autocast, if D is ≤ 256 (D: the head size of q and of v, taken equal) · efficient (flash off: head dim D) under float16 or bfloat16 autocast, if D is a multiple of 8 and > 256 · math (flash off: head dim D) under float16 or bfloat16 autocast, if D is not a multiple of 8 and > 256',
      ],
      train: ['`.backward()` in step'],
      infer: ['assumed: no caller of Attn.forward shows the inference path'],
    });
  });
});

/** Module-level code with neither a backward pass nor a switch: either path, on assumption. */
const NO_BACKWARD = `import torch
import torch.nn.functional as F


class Attn(torch.nn.Module):
    def forward(self, x):
        return F.scaled_dot_product_attention(x, x, x, dropout_p=0.1 if self.training else 0.0)


model = Attn()
out = model(torch.randn(2, 8, 128, 64))
`;

/** The backward pass inside a step function the script calls: the function's own clue makes the path. */
const BACKWARD_IN_STEP = `import torch
import torch.nn.functional as F


class Attn(torch.nn.Module):
    def forward(self, x):
        return F.scaled_dot_product_attention(x, x, x, dropout_p=0.1 if self.training else 0.0)


model = Attn()


def step(x):
    model(x).sum().backward()


if __name__ == "__main__":
    for _ in range(10):
        step(torch.randn(2, 8, 128, 64))
`;
