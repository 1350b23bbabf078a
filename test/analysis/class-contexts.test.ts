/**
 * Class-based context managers defined in the workspace: `with Scope(…):` / `with scope:` runs the
 * class's `__enter__` on the caller's path; the regions it enters (`self.ctx.__enter__()` of an
 * autocast its `__init__` stored), the SDPA switches it makes and `model.eval()` hold for the body and
 * end with it; what it returns binds the `as` target. Exact annotations and the facts' sources.
 */
import * as assert from 'node:assert/strict';
import { callReport, environmentOf } from '../../extension/analysis/reporting/build-report';
import type { CallSite } from '../../extension/analysis/call-facts/call-sites';
import { annotate, qAndMode, SETTINGS, sitesOf } from './helpers';

const FILES = ['class-contexts/precision.py', 'class-contexts/model.py', 'class-contexts/train.py'];

/** Why flash is rejected on the training path. */
function flashOffBecause(site: CallSite): readonly string[] | undefined {
  return callReport(site, environmentOf(SETTINGS)).modes.train.decision.verdicts.find((v) => v.backend === 'sdpa.flash')?.reasons;
}

describe('analysis: class-based context managers defined in the workspace', () => {
  it('`__enter__` entering the autocast `__init__` stored; `nullcontext()` stored instead changes nothing', async () => {
    const sites = (await sitesOf(FILES)).filter((s) => s.function === 'train_step');
    assert.deepEqual(annotate(sites), [
      'class-contexts/train.py:18:15 sdpa train_step',
      '  train reached=true bf16,bf16,bf16 mask=none causal=false p=0.1 layout=? H=8 D=64 → flash',
      '  infer reached=false bf16,bf16,bf16 mask=none causal=false p=0.1 layout=? H=8 D=64 → flash',
      'class-contexts/train.py:21:17 sdpa train_step',
      '  train reached=true ?,?,? mask=none causal=false p=0.1 layout=? H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
      '  infer reached=false ?,?,? mask=none causal=false p=0.1 layout=? H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
    ]);
    assert.deepEqual(qAndMode(sites[0]!, 'train'), [
      'bfloat16 from `matmul` at train.py:10 runs in bfloat16 under autocast (autocast region at precision.py:11, entered by `self.ctx.__enter__()` at precision.py:14 '
        + '(in `MaybeAutocast.__enter__`), entered by `with MaybeAutocast(torch.bfloat16)` at train.py:16)',
      '`.backward()` in train_step',
    ]);
  });

  it('SDPA switches `__enter__` makes hold for the body of `with math_only as switches:` and end with it', async () => {
    const sites = (await sitesOf(FILES)).filter((s) => s.function === 'debug_step');
    assert.deepEqual(annotate(sites), [
      'class-contexts/train.py:32:15 sdpa debug_step',
      '  train reached=true ?,?,? mask=none causal=true p=0 layout=? H=8 D=64 → math (flash off: runtime disabled)',
      '  infer reached=false ?,?,? mask=none causal=true p=0 layout=? H=8 D=64 → math (flash off: runtime disabled)',
      'class-contexts/train.py:34:13 sdpa debug_step',
      '  train reached=true ?,?,? mask=none causal=true p=0 layout=? H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
      '  infer reached=false ?,?,? mask=none causal=true p=0 layout=? H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
    ]);
    assert.deepEqual(flashOffBecause(sites[0]!), [
      'Flash attention has been runtime disabled. (`torch.backends.cuda.enable_flash_sdp(False)` at precision.py:24 (in `MathKernelOnly.__enter__`), entered by `with math_only` at train.py:30)',
    ]);
  });

  it('`with EvalMode(model) as m:` binds the model `__enter__` returns, and its `model.eval()` makes the call inference', async () => {
    const [site] = (await sitesOf(FILES)).filter((s) => s.function === 'Encoder.forward');
    assert.deepEqual(annotate([site!]), [
      'class-contexts/model.py:16:16 sdpa Encoder.forward',
      '  train reached=false ?,?,? mask=none causal=false p=0.1 layout=BHLD H=8 D=? → efficient (flash off: float32) without autocast, if `C // self.n_heads` is a multiple of 4 · math (flash off: float32) without autocast, if `C // self.n_heads` is not a multiple of 4 · flash under float16 or bfloat16 autocast, if `C // self.n_heads` is ≤ 256 · efficient (flash off: head dim `C // self.n_heads`) under float16 or bfloat16 autocast, if `C // self.n_heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.n_heads`) under float16 or bfloat16 autocast, if `C // self.n_heads` is not a multiple of 8 and > 256',
      '  infer reached=true ?,?,? mask=none causal=false p=0 layout=BHLD H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
    ]);
    assert.deepEqual(qAndMode(site!, 'infer'), [
      'depends on the path (float32 from `randn` at train.py:40 (default dtype), float16 from `linear` at model.py:15 runs in float16 under autocast (autocast float16 (a case: no caller in these files shows the autocast)))',
      '`self.model.eval()` at precision.py:40 (in `EvalMode.__enter__`), entered by `with EvalMode(model)` at train.py:41',
    ]);
  });
});
