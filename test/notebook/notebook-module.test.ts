/** Code cells → one module: magics blanked in place, markdown taking no lines, lines mapped both ways. */
import * as assert from 'node:assert/strict';
import { cellLine, cellPython, moduleLine, notebookModule } from '../../extension/notebook/notebook-module';

describe('notebook module', () => {
  it('blanks line magics and shell lines, indented ones too, and whole cell-magic cells', () => {
    assert.deepEqual(cellPython('!pip install einops\n%matplotlib inline\nimport torch\nif True:\n    %time f()\nx = 5 % 2'),
      ['', '', 'import torch', 'if True:', '', 'x = 5 % 2']);
    assert.deepEqual(cellPython('%%bash\nls -l'), ['', '']);
  });

  it('joins the code cells from new lines, numbering cells among all cells', () => {
    const module = notebookModule([
      { kind: 'markdown', source: '# Title' },
      { kind: 'code', source: '%load_ext autoreload\nimport torch\n' },
      { kind: 'raw', source: 'raw' },
      { kind: 'code', source: 'x = torch.ones(2)\ny = x' },
    ]);
    assert.equal(module.text, '\nimport torch\n\nx = torch.ones(2)\ny = x');
    assert.deepEqual(module.cells, [{ cell: 2, firstLine: 1, lineCount: 3 }, { cell: 4, firstLine: 4, lineCount: 2 }]);
    assert.deepEqual([1, 3, 4, 5].map((line) => cellLine(module, line)), [
      { cell: 2, line: 1 }, { cell: 2, line: 3 }, { cell: 4, line: 1 }, { cell: 4, line: 2 },
    ]);
    assert.deepEqual([moduleLine(module, { cell: 4, line: 2 }), moduleLine(module, { cell: 1, line: 1 })], [5, undefined]);
  });
});
