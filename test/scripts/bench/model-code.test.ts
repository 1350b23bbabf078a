import * as assert from 'node:assert/strict';
import { analyzeFiles } from '../../../extension/analysis/index';
import { DEFAULT_SETTINGS } from '../../../extension/cli/settings-flags';
import { generateModelCode } from '../../../scripts/bench/model-code';

describe('benchmark model code', () => {
  it('is at least as long as asked, whole rounds of templates', () => {
    const text = generateModelCode(1_000);
    assert.ok(text.split('\n').length >= 1_000);
    assert.equal(text.match(/^class CausalSelfAttention\d+/gm)?.length, text.match(/^def sample\d+/gm)?.length);
  });

  it('parses cleanly, and the analysis finds the attention calls of every numbered copy', async () => {
    const [report] = await analyzeFiles([{ path: 'model.py', text: generateModelCode(200) }], DEFAULT_SETTINGS);
    assert.deepEqual(report!.parseErrors, []);
    const functions = new Set(report!.calls.map((c) => c.function));
    for (const n of [0, 1]) {
      for (const cls of ['CausalSelfAttention', 'GatedAttention', 'RotaryAttention', 'EncoderBlock', 'HalfPrecisionAttention']) {
        assert.ok(functions.has(`${cls}${n}.forward`), `no call found in ${cls}${n}.forward`);
      }
    }
  });
});
