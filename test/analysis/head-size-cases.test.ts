/**
 * Verdicts per range of head sizes (#13 item 4): a head size the files leave open (`C // self.n_head`)
 * is decided in each range the rules separate (runtime/dispatch/head-dims.ts), the ranges grouped by
 * what the call does and named by the code's expression; a problem of some ranges is a warning that
 * names them, without a fix.
 */
import * as assert from 'node:assert/strict';
import { decide } from '../../runtime/dispatch/policy';
import type { Decision } from '../../runtime/dispatch/decision';
import type { AttentionApi, Dtype, Mode } from '../../runtime/dispatch/facts';
import { HEAD_DIM_BOUNDS, type HeadDimBounds } from '../../runtime/dispatch/head-dims';
import { analyzeFiles } from '../../extension/analysis/index';
import type { AnalysisSettings, FileReport } from '../../extension/analysis/report';
import { boundsForRatio, cellOf, headSizeCells, rangeWords } from '../../extension/analysis/reporting/head-size-ranges';
import { resolveLineMarks } from '../../extension/analysis/syntax/positions';
import { formatText } from '../../extension/cli/format/text';
import { toJsonReport } from '../../extension/cli/format/json';
import { countReport } from '../../scripts/bench/corpus-counts';
import { call, env, type EnvSpec } from '../runtime/dispatch/call';
import { readFixture, SETTINGS } from './helpers';

async function reportsOf(name: string, settings: AnalysisSettings = SETTINGS): Promise<FileReport[]> {
  return analyzeFiles([{ path: name, text: readFixture(`cases/${name}`) }], settings);
}

async function textOf(name: string, settings: AnalysisSettings = SETTINGS): Promise<string[]> {
  const text = resolveLineMarks(formatText(await reportsOf(name, settings), { color: false }));
  return text.trimEnd().split('\n').slice(0, -1);
}

/** What a decision does, and each candidate's status: what the ranges must not tell apart within one range. */
function answer(d: Decision): string {
  return `${d.outcome} ${d.backend ?? ''} ${d.verdicts.map((v) => `${v.backend}:${v.status}`).join(',')}`;
}

const D = '`C // self.n_head`';
const ASSUMED = (cls: string): string => `[if \`x\` is a float32 tensor (assumed: ${cls}.forward's input from no caller in these files)]`;

describe('verdicts per range of head sizes', () => {
  describe('the ranges the rules separate', () => {
    // Every size from 1 to 520 against the size chosen for its range, under settings and facts that
    // reach each head-size condition of the policies (GPU, torch and cuDNN versions, dtype, training, dropout).
    const envs: EnvSpec[] = [
      { sm: 80 }, { sm: 75 }, { sm: 86 }, { sm: 86, torch: [2, 1] }, { sm: 120 }, { sm: 90, cudnn: [9, 23] }, { sm: 90, cudnn: [9, 12] },
      { sm: 100, cudnn: [9, 23] }, { device: 'cpu' }, { sm: 70, torch: [2, 0] },
    ];
    const apis: AttentionApi[] = ['sdpa', 'memory_efficient_attention', 'flash_attn_func', 'flash_attn3_func', 'manual', 'multihead_attention'];
    const cells = headSizeCells(HEAD_DIM_BOUNDS, () => false);
    const sizeOf = (n: number): number => {
      const { interval, alignment } = cellOf(HEAD_DIM_BOUNDS, n);
      return cells.find((c) => c.interval === interval && c.alignment === alignment)!.size;
    };
    for (const api of apis) {
      it(`gives every size of a range the same answer: ${api}`, () => {
        for (const e of envs) for (const q of ['float16', 'float32'] as Dtype[]) for (const mode of ['train', 'infer'] as Mode[]) for (const dropout of [0, 0.1]) {
          const at = (n: number) => answer(decide(call({ api, q, mode, dropout, headDim: n }), env(e)));
          for (let n = 1; n <= 520; n++) assert.equal(at(n), at(sizeOf(n)), `${api} ${JSON.stringify(e)} ${q} ${mode} dropout ${dropout}: size ${n} against ${sizeOf(n)}`);
        }
      });
    }

    // v's head size twice q's (differential attention): the ranges of q's size for both.
    const doubled = boundsForRatio(HEAD_DIM_BOUNDS, 2);
    const doubledCells = headSizeCells(doubled, () => false);
    const doubledSizeOf = (n: number): number => {
      const { interval, alignment } = cellOf(doubled, n);
      return doubledCells.find((c) => c.interval === interval && c.alignment === alignment)!.size;
    };
    for (const api of apis.filter((a) => a !== 'flash_attn3_func')) {
      it(`gives every size of a range the same answer where v's head size is twice q's: ${api}`, () => {
        for (const e of envs) for (const q of ['float16', 'float32'] as Dtype[]) for (const mode of ['train', 'infer'] as Mode[]) {
          const at = (n: number) => answer(decide(call({ api, q, mode, headDim: n, headDimV: 2 * n }), env(e)));
          for (let n = 1; n <= 300; n++) assert.equal(at(n), at(doubledSizeOf(n)), `${api} ${JSON.stringify(e)} ${q} ${mode}: size ${n} against ${doubledSizeOf(n)}`);
        }
      });
    }
  });

  describe('words for a set of ranges', () => {
    const bounds: HeadDimBounds = { atMost: [128, 256], exactly: [256], multipleOf: [4, 8] };
    const all = headSizeCells(bounds, () => false);
    const where = (test: (n: number) => boolean) => all.filter((c) => test(c.size));

    it('merges adjacent ranges and leaves out the alignment where every class is in', () => {
      assert.equal(rangeWords(bounds, all, where((n) => n <= 256)), '≤ 256');
      assert.equal(rangeWords(bounds, all, where((n) => n > 256)), '> 256');
    });
    it('names an alignment, its complement and a class between two', () => {
      assert.equal(rangeWords(bounds, all, where((n) => n > 256 && n % 8 === 0)), 'a multiple of 8 and > 256');
      assert.equal(rangeWords(bounds, all, where((n) => n % 8 !== 0)), 'not a multiple of 8');
      assert.equal(rangeWords(bounds, all, where((n) => n % 4 === 0 && n % 8 !== 0)), 'a multiple of 4 but not of 8');
    });
    it('reads a range that ends where a size alone is an interval as the rounder bound', () => {
      // 256 is a multiple of 8: sizes not a multiple of 8 up to 255 are those up to 256.
      assert.equal(rangeWords(bounds, all, where((n) => n <= 256 && n % 8 !== 0)), 'not a multiple of 8 and ≤ 256');
      assert.equal(rangeWords(bounds, all, where((n) => n === 256)), '256');
    });
    it('joins ranges that are not adjacent with "or"', () => {
      assert.equal(rangeWords(bounds, all, where((n) => n <= 128 || n > 256)), '≤ 128 or > 256');
    });
  });

  describe('on code', () => {
    it('decides a head size a config gives in each range, under each autocast', async () => {
      assert.deepEqual(await textOf('head_size_config.py'), [
        `head_size_config.py:19:16 F.scaled_dot_product_attention → train: efficient (flash off: float32) without autocast, if ${D} is a multiple of 4 · math (flash off: float32) without autocast, if ${D} is not a multiple of 4 · flash under float16 or bfloat16 autocast, if ${D} is ≤ 256 · efficient (flash off: head dim ${D}) under float16 or bfloat16 autocast, if ${D} is a multiple of 8 and > 256 · math (flash off: head dim ${D}) under float16 or bfloat16 autocast, if ${D} is not a multiple of 8 and > 256 ${ASSUMED('CausalSelfAttention')} | infer: efficient (flash off: float32) without autocast, if ${D} is a multiple of 4 · math (flash off: float32) without autocast, if ${D} is not a multiple of 4 · flash under float16 or bfloat16 autocast, if ${D} is ≤ 256 · efficient (flash off: head dim ${D}) under float16 or bfloat16 autocast, if ${D} is a multiple of 8 and > 256 · math (flash off: head dim ${D}) under float16 or bfloat16 autocast, if ${D} is not a multiple of 8 and > 256 ${ASSUMED('CausalSelfAttention')}`,
      ]);
    });

    it('gives one verdict where every range does the same', async () => {
      assert.deepEqual(await textOf('head_size_config.py', { ...SETTINGS, device: 'cpu' }), [
        `head_size_config.py:19:16 F.scaled_dot_product_attention → train: flash ${ASSUMED('CausalSelfAttention')} | infer: flash ${ASSUMED('CausalSelfAttention')}`,
      ]);
    });

    it('keeps the other unknowns a range leaves open', async () => {
      assert.deepEqual(await textOf('head_size_xformers.py'), [
        `head_size_xformers.py:24:16 xformers.ops.memory_efficient_attention → train: fa2? (depends on \`self.heads\` and \`self.kv_heads\`) if \`self.dim_head\` is ≤ 256 · cutlass? (depends on \`self.heads\` and \`self.kv_heads\`) if \`self.dim_head\` is > 256 ${ASSUMED('MemoryEfficientCrossAttention')} | infer: fa2? (depends on \`self.heads\` and \`self.kv_heads\`) if \`self.dim_head\` is ≤ 256 · cutlass? (depends on \`self.heads\` and \`self.kv_heads\`) if \`self.dim_head\` is > 256 ${ASSUMED('MemoryEfficientCrossAttention')}`,
      ]);
    });

    it("decides by q's head size where v's is a multiple of it the code writes", async () => {
      const H = '`self.head_dim`';
      const verdict = `efficient (flash off: head dims ${H}/\`2 * self.head_dim\`) if ${H} is a multiple of 8 · math (flash off: head dims ${H}/\`2 * self.head_dim\`) if ${H} is not a multiple of 8 ${ASSUMED('DifferentialAttention')}`;
      assert.deepEqual(await textOf('head_size_doubled_v.py'), [`head_size_doubled_v.py:21:16 F.scaled_dot_product_attention → train: ${verdict} | infer: ${verdict}`]);
    });

    it('reports a crash of some ranges as a warning that names them, without a fix', async () => {
      const lines = await textOf('head_size_flash_only.py');
      assert.deepEqual(lines, [
        `head_size_flash_only.py:19:20 F.scaled_dot_product_attention → train: flash if \`self.head_dim\` is ≤ 256 · raises: No available kernel. Aborting execution. if \`self.head_dim\` is > 256 ${ASSUMED('FlashOnly')} | infer: flash if \`self.head_dim\` is ≤ 256 · raises: No available kernel. Aborting execution. if \`self.head_dim\` is > 256 ${ASSUMED('FlashOnly')}`,
        '  warning no-available-kernel: `F.scaled_dot_product_attention` raises "No available kernel. Aborting execution.": flash refuses it (Flash attention requires q,k,v to have the same last dimension and to be less than or equal to 256. Got Query.size(-1): `self.head_dim`, Key.size(-1): `self.head_dim`, Value.size(-1): `self.head_dim` instead.) and `sdpa_kernel([SDPBackend.FLASH_ATTENTION])` at head_size_flash_only.py:18 switches off cudnn, efficient and math (if `self.head_dim` is > 256)',
      ]);
      const [report] = await reportsOf('head_size_flash_only.py');
      assert.deepEqual(report!.calls[0]!.findings.map((f) => `${f.code} ${f.severity} ${f.fix === undefined ? 'no fix' : 'fix'}`), ['no-available-kernel warning no fix']);
    });

    it('lists the ranges in the JSON, and counts a verdict decided in every range as decided', async () => {
      const json = toJsonReport(await reportsOf('head_size_config.py'));
      const train = json.files[0]!.calls[0]!.modes.train;
      assert.deepEqual(train.cases?.map((c) => [c.when, c.backend]), [
        [`without autocast, if ${D} is a multiple of 4`, 'sdpa.efficient'],
        [`without autocast, if ${D} is not a multiple of 4`, 'sdpa.math'],
        [`under float16 or bfloat16 autocast, if ${D} is ≤ 256`, 'sdpa.flash'],
        [`under float16 or bfloat16 autocast, if ${D} is a multiple of 8 and > 256`, 'sdpa.efficient'],
        [`under float16 or bfloat16 autocast, if ${D} is not a multiple of 8 and > 256`, 'sdpa.math'],
      ]);
      assert.deepEqual({ depends: countReport(json).depends, decided: countReport(json).decided }, { depends: 0, decided: 2 });
      // Decided in every case: the mode's own reasons name what the cases differ by, none "depends on".
      assert.equal(train.depends, false);
      assert.deepEqual(train.why.filter((w) => /depends on/.test(w)), []);
      assert.ok(train.why.includes(`the cases differ by ${D}`), train.why.join('\n'));
      // The facts stay as the code leaves them: the head size is not one of the ranges' sizes.
      assert.deepEqual(train.cases?.some((c) => c.why.some((w) => /\b(?:24|264|257)\b/.test(w))), false);
    });
  });
});
