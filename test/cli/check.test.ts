/** `attnlens check` end to end: the real binary on fixture directories, exit codes and output formats. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
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

  it('exits 0 on valid Python the parser cannot read, saying so in a note, and reports the rest', () => {
    const text = attnlens('parser-limit');
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^parser-limit\/convert\.py:9:5 note parse-limit: tree-sitter-python cannot parse `\*\(…\)` or `\*\[…\]` in a tuple without brackets \(valid Python since 3\.8\): `return re\.sub/m);
    assert.match(text.stdout, /^1 attention call in 1 file: .*0 parse errors$/m);
    const file = JSON.parse(attnlens('parser-limit', '--format', 'json').stdout).files[0];
    assert.deepEqual(file.parse_errors.map((e: { line: number; parser_limit?: boolean }) => [e.line, e.parser_limit]), [[9, true]]);
    assert.deepEqual(file.calls.map((c: { line: number }) => c.line), [13]);
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

  describe('a file whose name and code hold control characters', () => {
    const name = 'm\x1b[2J\u202e.py';
    const escapedName = 'm\\x1b[2J\\u202e.py';
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attnlens-controls-'));
      fs.writeFileSync(path.join(dir, name), 'import torch.nn.functional as F\ndef f(q, k, v):\n    return F.scaled_dot_product_attention(q, k, v)\nx = (\x1b]0;title\x07\r\u202e\x9b\n');
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'check', ...args, '.'], { encoding: 'utf8', cwd: dir });
    /** Any control character but the newline, and any ESC not starting a colour (SGR) sequence. */
    const RAW_CONTROL = /[\x00-\x09\x0b-\x1a\x1c-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]|\x1b(?!\[\d+m)/;

    it('escapes them in text, with and without colour', () => {
      const plain = run('--no-color');
      assert.equal(plain.status, 1);
      assert.deepEqual(plain.stdout.split('\n').slice(0, 2), [
        `${escapedName}:4:1 error parse-error: syntax error: unexpected \`x = (\\x1b]0;title\\x07\\x0d\\u202e\\x9b\``,
        `${escapedName}:4:6 error parse-error: syntax error: unexpected \`\\x1b]0;\``,
      ]);
      assert.doesNotMatch(plain.stdout, RAW_CONTROL);
      const coloured = run('--color');
      assert.doesNotMatch(coloured.stdout, RAW_CONTROL);
      assert.equal(coloured.stdout.replace(/\x1b\[\d+m/g, ''), plain.stdout);
    });

    it('escapes them in JSON so that the values parse back unchanged', () => {
      const r = run('--format', 'json');
      assert.doesNotMatch(r.stdout, RAW_CONTROL);
      const file = JSON.parse(r.stdout).files[0];
      assert.equal(file.path, name);
      assert.equal(file.parse_errors[0].message, 'syntax error: unexpected `x = (\x1b]0;title\x07\r\u202e\x9b`');
    });

    it('escapes them visibly in SARIF messages and percent-encodes the file\'s URI', () => {
      const r = run('--format', 'sarif');
      assert.doesNotMatch(r.stdout, RAW_CONTROL);
      const [first] = JSON.parse(r.stdout).runs[0].results;
      assert.equal(first.message.text, 'syntax error: unexpected `x = (\\x1b]0;title\\x07\\x0d\\u202e\\x9b`');
      assert.equal(first.locations[0].physicalLocation.artifactLocation.uri, 'm%1B%5B2J%E2%80%AE.py');
    });

    it('escapes them in error messages on stderr, which quote paths and values as given', () => {
      const cases: [string[], string][] = [
        [['check', `${name}\nmissing`], `attnlens check: ${escapedName}\\x0amissing: no such file or directory`],
        [['check', '--format', '\x1b[2J', '.'], "attnlens check: --format: '\\x1b[2J' is not one of text, json, sarif"],
        [['bench', '--sweep', '\x1b]0;x\x07'], "attnlens bench: --sweep must look like dim=v1,v2,... (e.g. seq=128,256), got '\\x1b]0;x\\x07'"],
        [['\x1b[31mcheck'], "attnlens: unknown command '\\x1b[31mcheck'"],
      ];
      for (const [args, first] of cases) {
        const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir });
        assert.equal(r.status, 2, r.stderr);
        assert.equal(r.stderr.split('\n')[0], first);
        assert.doesNotMatch(r.stderr, RAW_CONTROL);
      }
    });
  });
});
