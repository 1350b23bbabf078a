/**
 * How messages name files: by name where it is the only open file of that name, else by the shortest
 * path suffix that tells it apart; kept reports are named again when a file of the same name opens or
 * closes.
 */
import * as assert from 'node:assert/strict';
import { fileLabels, fileMark } from '../../extension/analysis/syntax/file-labels';
import { AnalysisSession, analyzeFiles, type SourceFile } from '../../extension/analysis/index';
import { PlacedReport } from '../../extension/analysis/reporting/relocate';
import type { FileReport } from '../../extension/analysis/report';
import { SETTINGS } from './helpers';

const TABLE: readonly [string, readonly string[], readonly string[]][] = [
  ['unique names stay short', ['train.py', 'vision/models/var.py'], ['train.py', 'var.py']],
  ['two attention.py: the folder that tells them apart', ['vision/models/attention.py', 'vision/layers/attention.py', 'vision/models/blocks.py'],
    ['models/attention.py', 'layers/attention.py', 'blocks.py']],
  ['as many folders as it takes', ['a/x/attention.py', 'b/x/attention.py', 'c/y/attention.py'], ['a/x/attention.py', 'b/x/attention.py', 'y/attention.py']],
  ['a path another one ends with is named whole', ['utils.py', 'src/utils.py'], ['utils.py', 'src/utils.py']],
  ['absolute paths, and Windows separators', ['/home/me/proj/models/attention.py', 'C:\\proj\\layers\\attention.py'], ['models/attention.py', 'layers/attention.py']],
];

describe('file labels', () => {
  for (const [what, paths, want] of TABLE) {
    it(`${what}: ${want.join(', ')}`, () => {
      const labels = fileLabels(paths);
      assert.deepEqual(paths.map(labels), want);
    });
  }

  it('names a path that is not open by its name', () => {
    assert.equal(fileLabels(['a/utils.py', 'b/utils.py'])('c/utils.py'), 'utils.py');
  });

  it('a kept report is named again when the labels of the files it names change', () => {
    const raw = { message: `\`zeros\` at ${fileMark('lib/utils.py')}:5`, other: 'no file here' };
    const report = new PlacedReport(raw, fileLabels(['lib/utils.py', 'train.py']));
    const first = report.current(fileLabels(['lib/utils.py', 'train.py']));
    assert.equal(first.message, '`zeros` at utils.py:5');
    assert.equal(report.current(fileLabels(['lib/utils.py', 'train.py', 'model.py'])), first, 'labels unchanged: the same placed report');
    assert.equal(report.current(fileLabels(['lib/utils.py', 'tools/utils.py'])).message, '`zeros` at lib/utils.py:5');
    assert.equal(report.current(fileLabels(['lib/utils.py'])).message, '`zeros` at utils.py:5');
  });
});

describe('file labels in an analysis session', () => {
  // train.py's bias comes from lib/utils.py; tools/utils.py, another utils.py, opens and closes.
  const TRAIN: SourceFile = {
    path: 'train.py',
    text: [
      'import torch', 'import torch.nn.functional as F', 'from lib.utils import padding_bias', '',
      'def step(q, k, v):', '    bias = padding_bias(q.shape[0], q.shape[2])',
      '    F.scaled_dot_product_attention(q.half(), k.half(), v.half(), attn_mask=bias).sum().backward()', '',
    ].join('\n'),
  };
  const LIB: SourceFile = { path: 'lib/utils.py', text: 'import torch\n\n\ndef padding_bias(b, n):\n    return torch.zeros(b, 1, n, n)\n' };
  const TOOLS: SourceFile = { path: 'tools/utils.py', text: 'def seed_everything(seed):\n    return seed\n' };

  const message = (report: FileReport): string => report.calls[0]!.findings.map((f) => f.message).join('\n');

  it('names lib/utils.py by its folder while tools/utils.py is open, and by its name again after', async () => {
    const session = await AnalysisSession.create(SETTINGS);
    try {
      session.update(TRAIN.path, TRAIN.text);
      session.update(LIB.path, LIB.text);
      assert.match(message(session.report('train.py')), /`zeros` at utils\.py:5\)/);
      session.update(TOOLS.path, TOOLS.text);
      const opened = session.report('train.py');
      assert.match(message(opened), /`zeros` at lib\/utils\.py:5\)/);
      assert.deepEqual(opened, (await analyzeFiles([TRAIN, LIB, TOOLS], SETTINGS))[0]);
      session.close(TOOLS.path);
      const closed = session.report('train.py');
      assert.match(message(closed), /`zeros` at utils\.py:5\)/);
      assert.deepEqual(closed, (await analyzeFiles([TRAIN, LIB], SETTINGS))[0]);
    } finally {
      session.dispose();
    }
  });
});
