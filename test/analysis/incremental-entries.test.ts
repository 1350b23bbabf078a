/**
 * An edit re-runs only the entry points that reach what it changed (Interpreter.runRoot keeps each
 * entry point's run whole), and the session's reports after it equal a fresh analysis of the same text.
 */
import * as assert from 'node:assert/strict';
import { AnalysisSession, analyzeFiles, type SourceFile } from '../../extension/analysis/index';
import { Workspace } from '../../extension/analysis/session/workspace';
import type { FileReport } from '../../extension/analysis/report';
import { fact, SETTINGS } from './helpers';

const HELPERS = `def causal_flag():
    return True


def describe(name):
    return "model " + name
`;

const MODEL = `import torch.nn as nn
import torch.nn.functional as F
from helpers import causal_flag


class Block(nn.Module):
    def __init__(self, dim, heads=8):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(x).view(B, T, 3, self.heads, C // self.heads).permute(2, 0, 3, 1, 4)
        return F.scaled_dot_product_attention(q, k, v, is_causal=causal_flag())
`;

const OTHER = `import torch.nn.functional as F


def cross_attend(q, k, v):
    return F.scaled_dot_product_attention(q, k, v, dropout_p=0.1)
`;

const TRAIN = `import torch
from model import Block


def train_step(x):
    block = Block(64)
    return block(x)
`;

function files(helpers: string): SourceFile[] {
  return [{ path: 'helpers.py', text: helpers }, { path: 'model.py', text: MODEL }, { path: 'other.py', text: OTHER }, { path: 'train.py', text: TRAIN }];
}

async function session(helpers: string): Promise<AnalysisSession> {
  const s = await AnalysisSession.create(SETTINGS);
  await s.openAll(files(helpers));
  for (const f of files(helpers)) s.report(f.path);
  return s;
}

async function fresh(helpers: string): Promise<FileReport[]> {
  return analyzeFiles(files(helpers), SETTINGS);
}

/** The workspace behind a session, to ask which entry points its last interpretation ran. */
function workspaceOf(s: AnalysisSession): Workspace {
  return (s as unknown as { workspace: Workspace }).workspace;
}

describe('incremental entry points', () => {
  it('re-runs the entry points that call an edited function in another file, and the report follows', async () => {
    const s = await session(HELPERS);
    try {
      assert.equal(fact(s.report('model.py').calls[0]!.modes.train.facts.causal), 'true');
      const edited = HELPERS.replace('return True', 'return False');
      s.update('helpers.py', edited);
      const reports = files(edited).map((f) => s.report(f.path));
      assert.equal(fact(reports[1]!.calls[0]!.modes.train.facts.causal), 'false');
      assert.deepEqual(reports, await fresh(edited));
      // Block.forward runs as an entry point (the instance built with no caller) and through train_step.
      assert.deepEqual([...workspaceOf(s).lastEntriesRun()].sort(), ['Block.forward', 'train_step']);
    } finally {
      s.dispose();
    }
  });

  // Kept invocations stay across runs that do not reach them (invocation-cache.ts, InvocationCache):
  // one reached again is reused only while what it read is unchanged.
  it('reuses a result kept from a run that did not reach it only while what it read is unchanged', async () => {
    const unreached = MODEL.replace('is_causal=causal_flag()', 'is_causal=False');
    const withModel = (helpers: string, model: string): SourceFile[] => files(helpers).map((f) => (f.path === 'model.py' ? { ...f, text: model } : f));
    const causal = (r: FileReport): string => fact(r.calls[0]!.modes.train.facts.causal);
    for (const helpers of [HELPERS, HELPERS.replace('return True', 'return False')]) {
      const s = await session(HELPERS);
      try {
        s.update('model.py', unreached);
        assert.equal(causal(s.report('model.py')), 'false');
        s.update('helpers.py', helpers);
        s.report('model.py');
        s.update('model.py', MODEL);
        const all = withModel(helpers, MODEL);
        const reports = all.map((f) => s.report(f.path));
        assert.equal(causal(reports[1]!), helpers === HELPERS ? 'true' : 'false');
        assert.deepEqual(reports, await analyzeFiles(all, SETTINGS));
      } finally {
        s.dispose();
      }
    }
  });

  it('re-runs only the edited function when nothing else reaches it, and keeps the other files\' call sites', async () => {
    const s = await session(HELPERS);
    try {
      const before = files(HELPERS).map((f) => s.report(f.path));
      const edited = HELPERS.replace('"model " + name', '"block " + name');
      s.update('helpers.py', edited);
      const after = files(edited).map((f) => s.report(f.path));
      assert.deepEqual(workspaceOf(s).lastEntriesRun(), ['describe']);
      assert.deepEqual(after, await fresh(edited));
      // The reports of the files the edit cannot change are the same call reports, not equal copies.
      for (const i of [1, 2]) for (const [j, call] of after[i]!.calls.entries()) assert.equal(call, before[i]!.calls[j]);
    } finally {
      s.dispose();
    }
  });

  it('re-runs the entry point whose instance arguments a call elsewhere changes', async () => {
    const s = await session(HELPERS);
    try {
      const heads = (r: FileReport): string => fact(r.calls[0]!.modes.infer.facts.shape.heads);
      assert.equal(heads(s.report('model.py')), '8');
      // Once a call passes \`heads\`, the instance built for Block.forward with no caller takes it as unknown.
      const train = TRAIN.replace('Block(64)', 'Block(64, heads=4)');
      s.update('train.py', train);
      const all = [...files(HELPERS).slice(0, 3), { path: 'train.py', text: train }];
      const reports = all.map((f) => s.report(f.path));
      assert.deepEqual(reports, await analyzeFiles(all, SETTINGS));
      assert.deepEqual([...workspaceOf(s).lastEntriesRun()].sort(), ['Block.forward', 'train_step']);
    } finally {
      s.dispose();
    }
  });

  it('keeps a function only a ruled-out branch calls "not reached" when the caller is reused', async () => {
    const gated = `import torch.nn.functional as F
USE_HELPER = False


def helper(q, k, v):
    return F.scaled_dot_product_attention(q, k, v)


def run(q, k, v):
    if USE_HELPER:
        return helper(q, k, v)
    return q


def unrelated():
    return 1
`;
    const s = await AnalysisSession.create(SETTINGS);
    try {
      s.update('gated.py', gated);
      assert.equal(s.report('gated.py').calls[0]!.modes.train.reached, false);
      // \`run\` is reused: the call its dead branch makes must be noted again, so that helper is run dead as before.
      const edited = gated.replace('return 1', 'return 2');
      s.update('gated.py', edited);
      assert.deepEqual(workspaceOf(s).lastEntriesRun(), ['unrelated']);
      const [fresh] = await analyzeFiles([{ path: 'gated.py', text: edited }], SETTINGS);
      assert.deepEqual(s.report('gated.py'), fresh);
      assert.equal(fresh!.calls[0]!.modes.train.reached, false);
    } finally {
      s.dispose();
    }
  });

  describe('an edit of a module-level statement in a module every model imports', () => {
    const config = (extra: string, flash: string): string => `import os

USE_FLASH = ${flash}
${extra}
def dropout_rate():
    return 0.1
`;
    const model = `import torch.nn as nn
import torch.nn.functional as F
from config import USE_FLASH, dropout_rate


class Attention(nn.Module):
    def forward(self, q, k, v):
        if USE_FLASH:
            return F.scaled_dot_product_attention(q, k, v, dropout_p=dropout_rate())
        return (q @ k.transpose(-2, -1)).softmax(-1) @ v


def unrelated():
    return 1
`;
    const all = (cfg: string): SourceFile[] => [{ path: 'config.py', text: cfg }, { path: 'model.py', text: model }];

    it('re-runs nothing that reads the module when the names it reads keep their values (a new variable typed in)', async () => {
      const s = await AnalysisSession.create(SETTINGS);
      try {
        await s.openAll(all(config('', 'True')));
        for (const f of all(config('', 'True'))) s.report(f.path);
        for (const typed of ['_', '_p', '_probe =', '_probe = 1']) {
          const edited = config(typed, 'True');
          s.update('config.py', edited);
          const reports = all(edited).map((f) => s.report(f.path));
          assert.deepEqual(reports, await analyzeFiles(all(edited), SETTINGS), typed);
          assert.deepEqual(workspaceOf(s).lastEntriesRun().filter((e) => e !== '<module>'), [], typed);
        }
      } finally {
        s.dispose();
      }
    });

    it('re-runs the readers of a name whose value changed, and the report follows', async () => {
      const s = await AnalysisSession.create(SETTINGS);
      try {
        await s.openAll(all(config('', 'True')));
        // The hand-written attention runs only where USE_FLASH is false.
        assert.equal(s.report('model.py').calls[1]!.modes.train.reached, false);
        const edited = config('', 'False');
        s.update('config.py', edited);
        const reports = all(edited).map((f) => s.report(f.path));
        assert.notEqual(reports[1]!.calls[1]!.modes.train.reached, false);
        assert.deepEqual(reports, await analyzeFiles(all(edited), SETTINGS));
        assert.deepEqual(workspaceOf(s).lastEntriesRun().filter((e) => e !== '<module>'), ['Attention.forward']);
      } finally {
        s.dispose();
      }
    });
  });
});
