import * as assert from 'node:assert/strict';
import { formatText } from '../../../extension/cli/format/text';
import { SAMPLE_REPORTS } from './sample-reports';

describe('text format', () => {
  it('prints one block per call with both paths in the code lens\' words and their assumptions, indented diagnostics, parse and internal errors and a summary', () => {
    assert.equal(formatText(SAMPLE_REPORTS, { color: false }), [
      'model.py:41:13 F.scaled_dot_product_attention → train: efficient (flash off: attn_mask is not None) | infer: flash',
      '  information mask-disables-flash: flash is off in training: attn_mask is not None',
      'model.py:60:9 flash_attn_func → train: raises: FlashAttention only support fp16 and bf16 data type | infer: not reached (`attn_bias` is a float32 tensor)',
      '  error dtype-unsupported: q, k, v are float32 in training:',
      '    FlashAttention only support fp16 and bf16 data type',
      'sample.py:7:5 slow_attn → train: flash? (depends on whether mask is None) | infer: flash? (depends on whether mask is None) [if flash_attn is installed and xformers is not installed]',
      "broken.py:3:9 error parse-error: expected ':'",
      'tree.py:4:5 warning internal-error: internal error analysing `Tree.__init__`: RangeError: Maximum call stack size exceeded',
      '3 attention calls in 4 files: 1 error, 0 warnings, 1 note, 1 parse error, 1 internal error',
      '',
    ].join('\n'));
  });

  it('colours with ANSI escapes only when asked', () => {
    const plain = formatText(SAMPLE_REPORTS, { color: false });
    const coloured = formatText(SAMPLE_REPORTS, { color: true });
    assert.doesNotMatch(plain, /\x1b\[/);
    assert.match(coloured, /\x1b\[31merror\x1b\[39m dtype-unsupported/);
    assert.equal(coloured.replace(/\x1b\[\d+m/g, ''), plain);
  });

  it('reports an empty run', () => {
    assert.equal(formatText([], { color: false }), '0 attention calls in 0 files: 0 errors, 0 warnings, 0 notes, 0 parse errors\n');
  });
});
