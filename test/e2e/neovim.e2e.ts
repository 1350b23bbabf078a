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
  /** Language clients attached to the buffer. */
  readonly clients: number;
  readonly diagnostics: readonly { lnum: number; col: number; severity: number; code: string; source: string; message: string }[];
  readonly lenses: number;
}

/** The Lua block of docs/extension.md's Neovim set-up, as a user copies it into init.lua. */
function docsSnippet(): string {
  const docs = fs.readFileSync(path.join(ROOT, 'docs/extension.md'), 'utf8');
  const block = /\nNeovim 0\.7[^]*?```lua\n([^]*?)```/.exec(docs);
  assert.ok(block, 'docs/extension.md has the Neovim block');
  return block[1]!;
}

/**
 * Opens `file` in headless Neovim whose init.lua is the docs' snippet, with `attnlens` on PATH as a
 * user's `npm install -g` puts it; neovim-report.lua writes what the server sent.
 */
function runNeovim(file: string): NeovimResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attnlens-nvim-'));
  const out = path.join(dir, 'result.json');
  fs.writeFileSync(path.join(dir, 'init.lua'), docsSnippet());
  fs.writeFileSync(path.join(dir, 'attnlens'), `#!/bin/sh\nexec '${process.execPath}' '${path.join(ROOT, 'bin/attnlens.js')}' "$@"\n`, { mode: 0o755 });
  execFileSync('nvim', ['--headless', '--clean', '-u', path.join(dir, 'init.lua'), '--cmd', 'let g:loaded_python3_provider=0', '-c', `luafile ${path.join(ROOT, 'test/e2e/neovim-report.lua')}`, file], {
    cwd: FIXTURE_DIR, timeout: 60000, stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ATTNLENS_OUT: out, PATH: `${dir}${path.delimiter}${process.env['PATH'] ?? ''}` },
  });
  return JSON.parse(fs.readFileSync(out, 'utf8')) as NeovimResult;
}

describe('e2e: neovim (headless) as the LSP client', function () {
  this.timeout(90000);
  it('set up as docs/extension.md says, receives the diagnostics and code lenses for the example model', () => {
    const result = runNeovim('model.py');
    assert.equal(result.attached, true, 'diagnostics arrived');
    assert.equal(result.clients, 1);
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
