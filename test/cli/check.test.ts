/** `attnlens check` end to end: the real binary on fixture directories, exit codes and output formats. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { sarifStructureErrors } from './format/sarif-structure';

const BIN = path.resolve(__dirname, '../../../bin/attnlens.js');
const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/cli');

function attnlens(...args: string[]) {
  return spawnSync(process.execPath, [BIN, 'check', ...args], { encoding: 'utf8', cwd: FIXTURES, env: { ...process.env, NO_COLOR: '' } });
}

describe('attnlens check (end to end)', function () {
  this.timeout(60_000);

  it('exits 0 and prints the calls when no finding is an error', () => {
    const r = attnlens('clean');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^clean\/model\.py:14:16 F\.scaled_dot_product_attention → train: /m);
    assert.match(r.stdout, /^1 attention call in 1 file: 0 errors, /m);
    assert.doesNotMatch(r.stdout, /\x1b\[/);
  });

  it('exits 1 on an error-severity finding, and JSON output is version 1', () => {
    const r = attnlens('errors', '--format', 'json');
    assert.equal(r.status, 1, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.version, 1);
    assert.deepEqual(json.files.map((f: { path: string }) => f.path), ['errors/model.py']);
    const call = json.files[0].calls[0];
    assert.equal(call.api, 'flash_attn_func');
    assert.deepEqual(call.dtypes, { q: 'float32', k: 'float32', v: 'float32', bias: null });
    assert.ok(call.diagnostics.some((d: { code: string; severity: string }) => d.code === 'dtype-unsupported' && d.severity === 'error'));
  });

  it('exits 1 on a parse error and still reports the calls that parse', () => {
    const r = attnlens('broken', '--format', 'json');
    assert.equal(r.status, 1, r.stderr);
    const file = JSON.parse(r.stdout).files[0];
    assert.ok(file.parse_errors.length > 0);
    assert.deepEqual(file.calls.map((c: { line: number; api: string }) => [c.line, c.api]), [[5, 'F.scaled_dot_product_attention']]);
  });

  it('writes well-formed SARIF for a whole directory tree', () => {
    const r = attnlens('.', '--format', 'sarif');
    assert.equal(r.status, 1, r.stderr);
    const log = JSON.parse(r.stdout);
    assert.deepEqual(sarifStructureErrors(log), []);
    const uris = log.runs[0].results.map((x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
      x.locations[0]!.physicalLocation.artifactLocation.uri);
    assert.ok(uris.includes('errors/model.py') && uris.includes('broken/model.py'), uris.join(', '));
  });

  it('exits 2 naming the problem on bad usage', () => {
    for (const [args, message] of [
      [['clean', '--format', 'xml'], /attnlens check: --format: 'xml' is not one of text, json, sarif/],
      [['missing-dir'], /attnlens check: missing-dir: no such file or directory/],
      [[], /attnlens check: no PATH given/],
    ] as const) {
      const r = attnlens(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
  });

  it('prints its usage with --help', () => {
    const r = attnlens('--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^usage: attnlens check PATH\.\.\. \[options\]/);
  });
});
