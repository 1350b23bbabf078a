/** Every "not reached" says why (#13 item 6): the code's own condition, or the other path kind alone reaching the call. */
import * as assert from 'node:assert/strict';
import { analyzeFiles } from '../../extension/analysis/index';
import { formatText } from '../../extension/cli/format/text';
import { SETTINGS } from './helpers';

const SOURCE = [
  'import torch', 'import torch.nn.functional as F', '',
  'def attend(q):', '    return F.scaled_dot_product_attention(q, q, q)', '',
  'def train_step():',
  '    q = torch.randn(2, 8, 128, 64, dtype=torch.float16, requires_grad=True)',
  '    attend(q).sum().backward()',
].join('\n');

describe('not reached, and why', () => {
  it('says that the callers in the files reach the call on the other path only', async () => {
    const reports = await analyzeFiles([{ path: 'train.py', text: SOURCE }], SETTINGS);
    assert.equal(formatText(reports, { color: false }).split('\n')[0],
      'train.py:5:12 F.scaled_dot_product_attention → train: flash | infer: not reached (the callers in these files reach it on the training path only)');
  });
});
