/**
 * No input makes the analysis fail (throw, or report an internal error): seeded cuts of every fixture (alone, and beside the other
 * files of its directory so cross-file resolution sees broken code too) and thousands of seeded
 * Python-ish token soups. Every report must be well formed, and unbalanced brackets must show
 * up as parse errors. A failure names its input (fixture and cut offset, or soup seed).
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyzeFiles, type SourceFile } from '../../extension/analysis/index';
import type { AnalysisSettings } from '../../extension/analysis/report';
import { DEFAULT_SETTINGS } from '../../extension/cli/settings-flags';
import { reportProblems } from './report-shape';
import { cutPoints, seededRandom, tokenSoup } from './robustness-inputs';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/python');
const CUTS_PER_FIXTURE = 40;
/** Siblings analysed beside a cut fixture: all of a directory would make the sweep grow with the square of its size. */
const MAX_SIBLINGS = 4;
const SOUPS = 3000;
const SOUP_MAX_TOKENS = 120;
const SEED = 20261125;

/** Both ends of the settings space, alternated, so settings-dependent paths see the inputs too. */
const SETTINGS: readonly AnalysisSettings[] = [
  DEFAULT_SETTINGS,
  { autocast: 'bfloat16', installed: { flash_attn: true, xformers: true }, torch: [2, 1], sm: 90, device: 'cpu', assumeInputs: 'none' },
];

function pythonFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.py'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Up to `count` files of `files` other than `file`, those next to it in sorted order first. */
function nearest(files: readonly string[], file: string, count: number): string[] {
  const at = files.indexOf(file);
  return files.filter((p) => p !== file)
    .map((p) => ({ p, distance: Math.abs(files.indexOf(p) - at) }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, count)
    .map(({ p }) => p);
}

/** Analyses `files`; returns what went wrong, each line naming `input`. */
async function failuresOf(input: string, files: SourceFile[], settings: AnalysisSettings, mustHaveParseError = false): Promise<string[]> {
  try {
    const reports = await analyzeFiles(files, settings);
    const problems = reportProblems(files, reports);
    // Internal errors no longer abort the analysis (internal-errors.ts): here, each one is a failure.
    for (const r of reports) for (const e of r.internalErrors) problems.push(`${r.path}:${e.span.line}: ${e.message}`);
    if (mustHaveParseError && reports.every((r) => r.parseErrors.length === 0)) problems.push('unbalanced brackets but no parse error');
    return problems.map((p) => `${input}: ${p}`);
  } catch (err) {
    return [`${input}: threw ${err instanceof Error ? err.stack : String(err)}`];
  }
}

describe('analysis robustness', function () {
  // Thousands of analyses: about a minute on this project's 2-core machines, a few when they are loaded.
  this.timeout(600_000);

  it('survives seeded cuts of every fixture, alone and beside its directory', async () => {
    const fixtures = pythonFiles(FIXTURES);
    assert.ok(fixtures.length >= 5, `expected fixtures under ${FIXTURES}, found ${fixtures.length}`);
    const random = seededRandom(SEED);
    const failures: string[] = [];
    for (const [f, fixture] of fixtures.entries()) {
      const text = readFileSync(fixture, 'utf8');
      const name = path.relative(FIXTURES, fixture);
      const siblings = nearest(pythonFiles(path.dirname(fixture)), fixture, MAX_SIBLINGS)
        .map((p) => ({ path: path.relative(FIXTURES, p), text: readFileSync(p, 'utf8') }));
      for (const [c, cut] of cutPoints(text.length, CUTS_PER_FIXTURE, random).entries()) {
        const file = { path: name, text: text.slice(0, cut) };
        const settings = SETTINGS[(f + c) % SETTINGS.length]!;
        failures.push(...await failuresOf(`${name} cut at ${cut}`, [file], settings));
        if (c % 4 === 0 && siblings.length > 0) failures.push(...await failuresOf(`${name} cut at ${cut} with siblings`, [file, ...siblings], settings));
      }
    }
    assert.deepEqual(failures.slice(0, 10), []);
  });

  it('survives every Python operator, binary, unary, comparison and augmented', async () => {
    const binary = ['+', '-', '*', '/', '//', '%', '**', '@', '|', '&', '^', '<<', '>>'];
    const statements = [
      ...binary.map((op) => `x = a ${op} b`),
      ...binary.map((op) => `x ${op}= b`),
      ...['-', '+', '~', 'not '].map((op) => `x = ${op}a`),
      ...['<', '>', '==', '>=', '<=', '!=', '<>', 'in', 'not in', 'is', 'is not'].map((op) => `x = a ${op} b`),
      'x = a and b or c', 'if (n := len(a)) > 1: pass',
    ];
    const failures: string[] = [];
    for (const text of statements) failures.push(...await failuresOf(JSON.stringify(text), [{ path: 'ops.py', text }], DEFAULT_SETTINGS));
    assert.deepEqual(failures, []);
  });

  it('survives shape operations out of range or degenerate', async () => {
    const statements = [
      'x = torch.randn(2, 3).transpose(2, 3)\ny = x.shape\nz = x.size(5)',
      'x = torch.randn(2, 3).permute(3, 0)\ny = x.shape[7]',
      'x = torch.randn(2, 3).view(0, -1)\ny = torch.randn(4).view(-1, -1)',
      'x = torch.randn(6, 4).chunk(0)\ny = torch.randn(6, 4).split(-1, dim=9)\nz = torch.chunk(torch.randn(6), 4, 2)',
      'h = (*torch.randn(2, 3).shape[::0], -1)\nx = torch.randn(2, 3).view(h)',
      't = (1, 2, 3)[5:1]\nu = (1, 2)[a:b]\nw = (*t, *u)',
      'x = torch.randn(2, 3).unbind(4)\ny = torch.randn(2, 3).view(())',
      'x = torch.randn(2, 3).unsqueeze(9).squeeze(7).flatten(3, 1)\ny = torch.randn(6).unflatten(0, (0, -1)).unflatten(0, (-1, -1))\nz = y.shape',
      // Elementwise torch functions of no operand known to be a tensor.
      'x = torch.where(a, b, c)\ny = torch.mul(a, 2)\nz = torch.maximum(a, b)',
    ];
    const failures: string[] = [];
    for (const text of statements) failures.push(...await failuresOf(JSON.stringify(text), [{ path: 'shapes.py', text: `import torch\n${text}` }], DEFAULT_SETTINGS));
    assert.deepEqual(failures, []);
  });

  it(`survives ${SOUPS} token soups and reports parse errors for unbalanced brackets`, async () => {
    const failures: string[] = [];
    let unbalanced = 0;
    for (let i = 0; i < SOUPS; i++) {
      const soup = tokenSoup(seededRandom(SEED + i), SOUP_MAX_TOKENS);
      if (soup.unbalanced) unbalanced++;
      const input = `soup seed ${SEED + i} ${JSON.stringify(soup.text.slice(0, 200))}`;
      failures.push(...await failuresOf(input, [{ path: 'soup.py', text: soup.text }], SETTINGS[i % SETTINGS.length]!, soup.unbalanced));
    }
    assert.ok(unbalanced > SOUPS / 10, `only ${unbalanced} soups had unbalanced brackets`);
    assert.deepEqual(failures.slice(0, 10), []);
  });
});
