/**
 * Calls on paths the facts rule out run nothing: a function only such branches call is run once,
 * dead, so its attention calls (and those of the helpers it calls) read "not reached" with the gate
 * that rules them out. Before, the callee was run as if reached, and its flash-attn call read as
 * taken on the training path though `use_flash` is False there.
 */
import * as assert from 'node:assert/strict';
import { annotate, sitesOf } from './helpers';

describe('callees of branches the facts rule out', () => {
  it('are not reached, two calls deep, by the gate of the branch that calls them', async () => {
    const lines = annotate(await sitesOf(['dead-callees/model.py']));
    assert.deepEqual(lines.slice(0, 4), [
      'dead-callees/model.py:12:12 flash_attn_func _flash_kernel',
      '  train reached=false ?,?,? mask=none causal=false p=0 layout=BLHD H=8 D=? → fa2? (depends on the argument `x` of train) if `C // self.heads` is ≤ 256 · raises: FlashAttention forward only supports head dimension at most 256 if `C // self.heads` is > 256',
      '  infer reached=false ?,?,? mask=none causal=false p=0 layout=BLHD H=8 D=? → fa2? (depends on the argument `x` of train) if `C // self.heads` is ≤ 256 · raises: FlashAttention forward only supports head dimension at most 256 if `C // self.heads` is > 256',
      '  dead-fast-path warning train 29:12 `flash_attn_func` is never reached on the training path: `self.use_flash` is false there — `self.use_flash` is False (False at model.py:24)',
    ]);
  });

  it('a function also called on a live path is reached there', async () => {
    const lines = annotate(await sitesOf(['dead-callees/model.py']));
    assert.equal(lines[4], 'dead-callees/model.py:16:12 sdpa sdpa_path');
    assert.match(lines[5]!, /^ {2}train reached=true /);
  });
});
