/**
 * The incremental session against a fresh analysis, over seeded random edits: after every edit the
 * session's report must equal the report of analysing the edited files from scratch. Edits are
 * line-level (delete, duplicate, move, swap a word for another word of the file), the kinds of edit
 * that reuse, move and redefine statements; a failure names the seed and the edit. Even seeds open
 * the files in pieces parsed by workers (`parse-pool.ts`, pieces forced small), whose trees are
 * parsed in idle time (`background-parse.ts`): seeds that are multiples of 4 wait for them, the
 * others edit at once (the first edit finishes the parse).
 */
import * as assert from 'node:assert/strict';
import { AnalysisSession, analyzeFiles, type SourceFile } from '../../extension/analysis/index';
import { readFixture, SETTINGS } from './helpers';
import { seededRandom } from './robustness-inputs';
import type { PoolOptions } from '../../extension/analysis/syntax/parse-pool';

/** Every file opened in pieces of a few hundred characters. */
const IN_PIECES: PoolOptions = { minTotalChars: 0, pieceChars: 300 };

type Random = () => number;

const pick = <T>(items: readonly T[], random: Random): T => items[Math.floor(random() * items.length)]!;

/** One random line-level edit of `text`, and a description of it. */
function randomEdit(text: string, random: Random): { text: string; what: string } {
  const lines = text.split('\n');
  const i = Math.floor(random() * lines.length);
  const kind = pick(['delete', 'duplicate', 'move', 'word'] as const, random);
  switch (kind) {
    case 'delete': lines.splice(i, 1); break;
    case 'duplicate': lines.splice(i, 0, lines[i]!); break;
    case 'move': { const [line] = lines.splice(i, 1); lines.splice(Math.floor(random() * lines.length), 0, line!); break; }
    case 'word': {
      const words = text.match(/[A-Za-z_]\w*/g) ?? ['x'];
      const here = lines[i]!.match(/[A-Za-z_]\w*/g);
      if (here) lines[i] = lines[i]!.replace(pick(here, random), pick(words, random));
      break;
    }
  }
  return { text: lines.join('\n'), what: `${kind} at line ${i + 1}` };
}

/** Applies `count` edits, each to one file of `files`, comparing the reports after each. */
async function compareAfterEdits(files: SourceFile[], seed: number, count: number): Promise<void> {
  const random = seededRandom(seed);
  const session = await AnalysisSession.create(SETTINGS);
  try {
    if (seed % 2 === 0) {
      await session.openAll(files, IN_PIECES);
      if (seed % 4 === 0) await session.parsed();
    } else for (const f of files) session.update(f.path, f.text);
    for (let n = 0; n < count; n++) {
      const target = Math.floor(random() * files.length);
      const edit = randomEdit(files[target]!.text, random);
      files[target] = { path: files[target]!.path, text: edit.text };
      session.update(files[target]!.path, edit.text);
      const fresh = await analyzeFiles(files, SETTINGS);
      files.forEach((f, i) => assert.deepEqual(session.report(f.path), fresh[i], `seed ${seed}, edit ${n + 1} (${f.path}: ${edit.what})`));
    }
  } finally {
    session.dispose();
  }
}

/** Seeds per group: 10 in the suite; set ATTNLENS_EDIT_SEEDS to search further while changing the analysis. */
const SEEDS = Number(process.env.ATTNLENS_EDIT_SEEDS ?? 10);

describe('analysis session under random edits', function () {
  // Two hundred analyses per group: seconds each, more on a loaded 2-core machine.
  this.timeout(120_000);
  const cases: readonly (readonly string[])[] = [
    ['gated-before/model.py', 'gated-before/sampler.py'],
    ['nanogpt.py'],
    ['xformers_bias.py'],
    ['rotary.py', 'mha.py', 'mha_weights.py'],
    [
      'sdpa-switches/model.py', 'sdpa-switches/train.py', 'sdpa-switches/legacy.py', 'sdpa-switches/backends.py', 'sdpa-switches/encoder.py',
      'sdpa-switches/launch.py', 'sdpa-switches/defaults.py', 'sdpa-switches/evaluate.py',
    ],
    ['wrappers.py', 'einops_style.py', 'eager_where.py'],
    ['forwarding.py', 'sequential.py', 'loops.py', 'manual_dropout.py'],
    ['wrapped-trainer/blocks.py', 'wrapped-trainer/loop.py'],
    ['package/train.py', 'package/nets/__init__.py', 'package/nets/modulated.py'],
    ['init_helpers.py', 'getattr_checks.py', 'decoder_layer.py', 'annotated_style.py', 'processor_style.py'],
    ['amp-contexts/model.py', 'amp-contexts/train.py', 'amp-contexts/fused_ops.py', 'amp-contexts/sample.py'],
    ['workspace-contexts/amp_utils.py', 'workspace-contexts/qformer.py', 'workspace-contexts/train.py'],
    [
      'framework-wrappers/model.py', 'framework-wrappers/finetune_accelerate.py', 'framework-wrappers/fabric_train.py',
      'framework-wrappers/deepspeed_train.py', 'framework-wrappers/trainer.py',
    ],
    ['class-contexts/precision.py', 'class-contexts/model.py', 'class-contexts/train.py'],
    ['module-scripts/model.py', 'module-scripts/train.py', 'module-scripts/sample.py', 'module-scripts/finetune.py'],
    [
      'repo-layout/train.py', 'repo-layout/sample.py', 'repo-layout/vision/__init__.py', 'repo-layout/vision/models/__init__.py',
      'repo-layout/vision/models/var.py', 'repo-layout/vision/models/blocks.py', 'repo-layout/vision/models/attention.py',
      'repo-layout/vision/models/utils.py', 'repo-layout/vision/layers/__init__.py', 'repo-layout/vision/layers/blocks.py',
      'repo-layout/vision/layers/attention.py', 'repo-layout/vision/layers/utils.py',
    ],
    ['lambdas/attention.py', 'lambdas/train.py', 'lambdas/builders.py', 'lambdas/choice.py'],
    ['llama/modeling_llama.py', 'llama/train.py', 'llama/sample.py'],
    ['input-rank/processors.py', 'transformers-style/modeling.py', 'transformers-style/run.py', 'varlen/padded.py'],
    ['gqa/llama3.py', 'gqa/hf_sdpa.py'],
    ['module-casts/decode.py', 'module-casts/dit.py', 'sliding-window/mistral.py'],
    ['bert-style/modeling_bert.py'],
    ['hf-flash-attention-2/modeling_llama_fa2.py'],
    ['alibi/mpt_alibi.py'],
    ['lightning/lit_gpt.py'],
    ['gpt-neox/modeling_gpt_neox.py', 'fairseq-style/multihead_attention.py'],
    ['perceiver/resampler.py'],
    ['diffusers-dispatch/set_in_callee.py', 'diffusers-dispatch/kv_cache.py', 'diffusers-dispatch/sampling.py'],
  ];
  for (const names of cases) {
    it(`matches a fresh analysis after each of ${SEEDS * 20} edits of ${names.join(' + ')}`, async () => {
      for (let seed = 1; seed <= SEEDS; seed++) await compareAfterEdits(names.map((path) => ({ path, text: readFixture(path) })), seed * 7919 + names.length, 20);
    });
  }
});
