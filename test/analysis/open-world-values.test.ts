/**
 * Values the files leave partly open, decided where the code decides them (#13 items 2 and 4): a
 * layer of a class a builder passes from outside (`norm_layer(dim)`), one of two torch.nn modules a
 * flag picks (`norm_layer(…) if qk_norm else nn.Identity()`), a tensor or None (`self.rel_pos if … else
 * None`), an attribute set on one of more paths than the interpreter keeps apart, and cases told
 * apart by two facts together (the autocast and the mask).
 */
import * as assert from 'node:assert/strict';
import { analyzeFiles } from '../../extension/analysis/index';
import { resolveLineMarks } from '../../extension/analysis/syntax/positions';
import { formatText } from '../../extension/cli/format/text';
import { join, noneOr, tensor, usedAsValue, type Value } from '../../extension/analysis/values/values';
import { known } from '../../runtime/dispatch/facts';
import { readFixture, SETTINGS } from './helpers';

async function linesOf(name: string): Promise<string[]> {
  const reports = await analyzeFiles([{ path: name, text: readFixture(`open-world/${name}`) }], SETTINGS);
  return resolveLineMarks(formatText(reports, { color: false })).trimEnd().split('\n').slice(0, -1);
}

const ASSUMED = (input: string, fn: string): string => `\`${input}\` is a float32 tensor (assumed: ${fn}'s input from no caller in these files)`;
const BY_AUTOCAST = 'efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast';

describe('open-world values', () => {
  it('takes a norm layer of a class a builder passes as keeping its input, and decides the call per autocast', async () => {
    const assumed = `[if ${ASSUMED('x', 'Attention.forward')}, or ${ASSUMED('x', 'Block.forward')}]`;
    assert.deepEqual(await linesOf('qk_norm_layer.py'), [
      `qk_norm_layer.py:21:16 F.scaled_dot_product_attention → train: ${BY_AUTOCAST} ${assumed} | infer: ${BY_AUTOCAST} ${assumed}`,
    ]);
  });

  it('decides a bias that is a parameter or None per case, with the parameter as the tensor case', async () => {
    const verdict = 'efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast, if `bias` is None'
      + ' · efficient (flash off: attn_mask is not None) under float16 or bfloat16 autocast, if `bias` is a float tensor'
      + ` [if ${ASSUMED('x', 'WindowAttention.forward')}]`;
    assert.deepEqual(await linesOf('optional_bias.py'), [
      `optional_bias.py:17:16 F.scaled_dot_product_attention → train: ${verdict} | infer: ${verdict}`,
      '  information mask-disables-flash: Flash is off: `bias` is a float tensor (parameter at optional_bias.py:11, on the paths that pass a tensor);'
      + ' "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel (under float16 or bfloat16 autocast, if `bias` is a float tensor)',
    ]);
  });

  it('names cases by the autocast and the mask together where neither alone tells them apart, with every reason a case runs for', async () => {
    const verdict = 'efficient (flash off: attn_mask is not None or float32) without autocast, or under float16 or bfloat16 autocast, if `bias` is a float tensor'
      + ' · flash under float16 or bfloat16 autocast, if `bias` is None';
    assert.deepEqual(await linesOf('mask_and_autocast.py'), [
      `mask_and_autocast.py:7:12 F.scaled_dot_product_attention → train: ${verdict} | infer: ${verdict}`,
    ]);
  });

  it('keeps the projections a constructor sets on some of more paths than it keeps apart', async () => {
    const assumed = `[if ${ASSUMED('hidden_states', 'Processor.__call__')}]`;
    assert.deepEqual(await linesOf('many_options.py'), [
      `many_options.py:54:16 F.scaled_dot_product_attention → train: ${BY_AUTOCAST} ${assumed} | infer: ${BY_AUTOCAST} ${assumed}`,
    ]);
  });

  it('assumes float tensors for the annotated tensor inputs of a method nothing calls, the rest left as they are', async () => {
    const assumed = `[if ${['q', 'k', 'v'].map((p) => ASSUMED(p, 'Attention.attend')).join(' and ')}]`;
    const verdict = 'efficient? (depends on the head size of q and the head size of v) without autocast'
      + ` · flash? (depends on the head size of q and the head size of v) under float16 or bfloat16 autocast ${assumed}`;
    assert.deepEqual(await linesOf('override_method.py'), [
      `override_method.py:11:16 F.scaled_dot_product_attention → train: ${verdict} | infer: ${verdict}`,
    ]);
  });

  describe('None or a value', () => {
    const linear: Value = { t: 'torchmod', kind: 'Linear', args: {}, origin: '`nn.Linear` at m.py:3' };
    const none: Value = { t: 'none', source: 'None at m.py:5' };

    it('keeps the value beside the None, which a call or an attribute read then uses', () => {
      const either = join(linear, none);
      assert.equal(either.t, 'unknown');
      assert.deepEqual(usedAsValue(either), linear);
      assert.deepEqual(usedAsValue(join(none, either)), linear);
    });

    it('joins the values of two such joins, and gives up the value where they do not join', () => {
      const f32 = tensor(known('float32', 'a'), 'a');
      const f16 = tensor(known('float16', 'b'), 'b');
      const joined = usedAsValue(join(noneOr(f32, none, 'x')!, f16));
      assert.equal(joined.t, 'tensor');
      assert.equal(joined.t === 'tensor' && joined.dtype.known, false);
      assert.equal(noneOr(none, none, 'x'), undefined);
      assert.equal(noneOr(f32, f16, 'x'), undefined);
    });
  });
});
