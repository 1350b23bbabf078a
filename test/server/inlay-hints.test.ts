/** Inlay hints from a real analysis: each dtype right after its argument, positional or keyword. */
import * as assert from 'node:assert/strict';
import { analyzeFiles } from '../../extension/analysis/index';
import { toInlayHints } from '../../extension/server/convert';
import { SETTINGS } from '../analysis/helpers';

const SOURCE = `import torch
import torch.nn.functional as F


def attend(x):
    q = x.half()
    k = x.float()
    a = F.scaled_dot_product_attention(q, k, x.bfloat16())
    b = F.scaled_dot_product_attention(key=k, query=q,
                                       value=x.half())
    return a, b
`;

describe('server: inlay hints at q, k, v', () => {
  it('places each dtype after its argument (0-based LSP positions), across lines', async () => {
    const [report] = await analyzeFiles([{ path: 'attend.py', text: SOURCE }], SETTINGS);
    const hints = toInlayHints(report, { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } });
    assert.deepEqual(hints.map((h) => `${h.position.line}:${h.position.character}${h.label as string}`), [
      '7:40: float16', '7:43: float32', '7:57: bfloat16',
      '8:53: float16', '8:44: float32', '9:53: float16',
    ]);
  });
});
