import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
/** The motivating case: model.py, with its callers in sampler.py (read by the server from the workspace). */
const FIXTURE_DIR = path.join(ROOT, 'test/fixtures/python/gated-before');

interface NeovimResult {
  readonly attached: boolean;
  readonly diagnostics: readonly { lnum: number; col: number; severity: number; code: string; source: string; message: string }[];
  readonly lenses: number;
}

/** Opens `file` in headless Neovim with attnlens as its language server. */
function runNeovim(file: string): NeovimResult {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'attnlens-nvim-')), 'result.json');
  execFileSync('nvim', ['--headless', '--clean', '-u', 'NONE', '--cmd', 'let g:loaded_python3_provider=0', '-c', `luafile ${path.join(ROOT, 'test/e2e/neovim-lsp.lua')}`, file], {
    cwd: FIXTURE_DIR, timeout: 60000, stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ATTNLENS_OUT: out, ATTNLENS_NODE: process.execPath, ATTNLENS_BIN: path.join(ROOT, 'bin/attnlens.js') },
  });
  return JSON.parse(fs.readFileSync(out, 'utf8')) as NeovimResult;
}

describe('e2e: neovim (headless) as the LSP client', function () {
  this.timeout(90000);
  it('receives the diagnostics and code lenses for the example model', () => {
    const result = runNeovim('model.py');
    assert.equal(result.attached, true, 'diagnostics arrived');
    assert.deepEqual(result.diagnostics.map((d) => [d.lnum, d.code, d.source]), EXPECTED_DIAGNOSTICS);
    assert.equal(result.lenses, 2);
  });
});

/** [0-based line, code, source] of the analysis' findings on gated-before/model.py. */
const EXPECTED_DIAGNOSTICS: [number, string, string][] = [
  [26, 'dead-fast-path', 'attnlens'],
  [27, 'dtype-unsupported', 'attnlens'],
  [30, 'mask-disables-flash', 'attnlens'],
];
