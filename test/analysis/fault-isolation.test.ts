/**
 * An internal error in one place of the analysis costs that place only. Failures are injected by
 * replacing one exported function of an analysis module for the duration of a test (the compiled
 * modules call each other through their exports objects), so the rest of the analysis runs as usual.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as callFactsModule from '../../extension/analysis/call-facts/call-facts';
import { analyzeFiles } from '../../extension/analysis/index';
import * as moduleIndex from '../../extension/analysis/workspace-index/module-index';
import * as observeApiModule from '../../extension/analysis/torch/observe-api';
import type { FileReport } from '../../extension/analysis/report';
import { RULES } from '../../extension/analysis/rules/index';
import { FIXTURES, readFixture, SETTINGS } from './helpers';
import { injectFailure } from './inject-failure';

const FILES = ['blocks.py', 'train.py', 'other.py'].map((name) => ({ path: name, text: readFixture(`fault-isolation/${name}`) }));

/** `path:line api → train verdict` per call, and every internal error, of each file. */
function summary(reports: readonly FileReport[]): string[] {
  return reports.flatMap((r) => [
    ...r.internalErrors.map((e) => `${r.path}:${e.span.line}:${e.span.column} ${e.message}`),
    ...r.calls.map((c) => `${r.path}:${c.span.line} ${c.api} reached=${c.modes.train.reached} ${c.modes.train.decision.backend ?? 'none'}${c.findings.map((f) => ` [${f.code}]`).join('')}`),
  ]);
}

describe('fault isolation', () => {
  it('without an injected failure: three calls, no internal error', async () => {
    assert.deepEqual(summary(await analyzeFiles(FILES, SETTINGS)), [
      'blocks.py:10 F.scaled_dot_product_attention reached=true sdpa.flash',
      'blocks.py:15 F.scaled_dot_product_attention reached=true sdpa.flash',
      'other.py:7 flash_attn_func reached=null none [dtype-unsupported]',
    ]);
  });

  it('an exception while analysing one function costs that function: an internal error at its definition, every other call reported', async () => {
    const restore = injectFailure(observeApiModule, 'observeApi', (...args) => (args[5] as { fn: { qualName: string } }).fn.qualName === 'Broken.forward');
    try {
      assert.deepEqual(summary(await analyzeFiles(FILES, SETTINGS)), [
        'blocks.py:9:5 internal error analysing `Broken.forward`: Error: injected failure in observeApi',
        'blocks.py:15 F.scaled_dot_product_attention reached=true sdpa.flash',
        'other.py:7 flash_attn_func reached=null none [dtype-unsupported]',
      ]);
    } finally {
      restore();
    }
  });

  it('an exception while joining one call\'s facts leaves that call out, reported where it is written', async () => {
    const restore = injectFailure(callFactsModule, 'callFacts', (...args) => (args[2] as readonly { fn: { qualName: string } }[])[0]?.fn.qualName === 'Healthy.forward');
    try {
      assert.deepEqual(summary(await analyzeFiles(FILES, SETTINGS)), [
        'blocks.py:15:16 internal error joining the facts of `F.scaled_dot_product_attention`: Error: injected failure in callFacts',
        'blocks.py:10 F.scaled_dot_product_attention reached=true sdpa.flash',
        'other.py:7 flash_attn_func reached=null none [dtype-unsupported]',
      ]);
    } finally {
      restore();
    }
  });

  it('an exception while reading one file leaves it open without statements, reported at its first line; the other files are analysed', async () => {
    const restore = injectFailure(moduleIndex, 'indexModule', (...args) => args[0] === 'other.py' && (args[1] as readonly unknown[]).length > 0);
    try {
      assert.deepEqual(summary(await analyzeFiles(FILES, SETTINGS)), [
        'blocks.py:10 F.scaled_dot_product_attention reached=true sdpa.flash',
        'blocks.py:15 F.scaled_dot_product_attention reached=true sdpa.flash',
        'other.py:1:1 internal error reading the file: Error: injected failure in indexModule',
      ]);
    } finally {
      restore();
    }
  });

  it('a rule that throws loses its own findings only: an internal-error finding at the call instead', async () => {
    const rule = RULES.find((r) => r.meta.code === 'dtype-unsupported')!;
    const restore = injectFailure(rule as unknown as Record<string, unknown>, 'check', () => true);
    try {
      const other = (await analyzeFiles(FILES, SETTINGS))[2]!;
      assert.deepEqual(other.calls[0]!.findings.map((f) => `${f.severity} ${f.code}: ${f.message}`), [
        'warning internal-error: internal error in the rule dtype-unsupported: Error: injected failure in check',
      ]);
    } finally {
      restore();
    }
  });

  it('attnlens check reports the failure and exits by the other findings', () => {
    const bin = path.resolve(__dirname, '../../../bin/attnlens.js');
    const preload = path.resolve(__dirname, 'inject-failure-preload.js');
    const dir = path.join(FIXTURES, 'fault-isolation');
    const run = (...files: string[]) => spawnSync(process.execPath, ['-r', preload, bin, 'check', ...files], { encoding: 'utf8', cwd: dir, env: { ...process.env, NO_COLOR: '' } });
    const all = run('blocks.py', 'train.py', 'other.py');
    assert.equal(all.status, 1, all.stderr);
    assert.match(all.stdout, /^blocks\.py:9:5 warning internal-error: internal error analysing `Broken\.forward`: Error: injected failure in observeApi$/m);
    assert.match(all.stdout, /^blocks\.py:15:16 F\.scaled_dot_product_attention → train: flash/m);
    assert.match(all.stdout, /^2 attention calls in 3 files: 1 error, 0 warnings, 0 notes, 0 parse errors, 1 internal error$/m);
    const withoutErrors = run('blocks.py', 'train.py');
    assert.equal(withoutErrors.status, 0, withoutErrors.stderr);
  });
});
