/**
 * Verdicts per case (#13 item 4): where the answer hinges on an unknown with few values — the
 * caller's autocast (none, float16, bfloat16), an autocast region's `enabled=` or dtype, a context
 * manager a condition picks, a mask None or a tensor — each case is evaluated and the verdict named
 * per case; a problem found in some cases is a warning that names them and offers no fix.
 */
import * as assert from 'node:assert/strict';
import { analyzeFiles } from '../../extension/analysis/index';
import type { AnalysisSettings, FileReport } from '../../extension/analysis/report';
import { resolveLineMarks } from '../../extension/analysis/syntax/positions';
import { formatText } from '../../extension/cli/format/text';
import { toJsonReport } from '../../extension/cli/format/json';
import { countReport } from '../../scripts/bench/corpus-counts';
import { readFixture, SETTINGS } from './helpers';

async function reportsOf(names: readonly string[], settings: AnalysisSettings = SETTINGS): Promise<FileReport[]> {
  return analyzeFiles(names.map((name) => ({ path: name, text: readFixture(`cases/${name}`) })), settings);
}

/** The text format's lines, without the summary, line marks resolved. */
async function textOf(names: readonly string[], settings: AnalysisSettings = SETTINGS): Promise<string[]> {
  const text = resolveLineMarks(formatText(await reportsOf(names, settings), { color: false }));
  return text.trimEnd().split('\n').slice(0, -1);
}

const ASSUMED_X = "`x` is a float32 tensor (assumed: Attention.forward's input from no caller in these files)";

describe('verdicts per case', () => {
  it('evaluates a forward no file calls under each autocast a caller may pick', async () => {
    assert.deepEqual(await textOf(['open_autocast.py']), [
      `open_autocast.py:14:16 F.scaled_dot_product_attention → train: efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast [if ${ASSUMED_X}] | infer: efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast [if ${ASSUMED_X}]`,
    ]);
  });

  it('gives one verdict where the setting fixes the autocast', async () => {
    assert.deepEqual(await textOf(['open_autocast.py'], { ...SETTINGS, autocast: 'bfloat16' }), [
      `open_autocast.py:14:16 F.scaled_dot_product_attention → train: flash [if ${ASSUMED_X}] | infer: flash [if ${ASSUMED_X}]`,
    ]);
  });

  it('picks the context manager by the device setting, and runs each dtype an autocast region may take where the GPU leaves it open', async () => {
    // `nullcontext() if device_type == 'cpu' else torch.autocast(…, dtype=ptdtype)`, ptdtype bfloat16
    // where `torch.cuda.is_bf16_supported()`: True on sm80, open on sm75 (releases differ there).
    assert.deepEqual(await textOf(['device_ctx.py', 'config.py', 'open_autocast.py']), [
      'open_autocast.py:14:16 F.scaled_dot_product_attention → train: flash | infer: flash',
    ]);
    const sm75 = 'efficient (flash off: sm75) under float16 autocast · math (flash off: sm75) under bfloat16 autocast';
    assert.deepEqual(await textOf(['device_ctx.py', 'config.py', 'open_autocast.py'], { ...SETTINGS, sm: 75 }), [
      `open_autocast.py:14:16 F.scaled_dot_product_attention → train: ${sm75} | infer: ${sm75}`,
    ]);
  });

  it('runs an autocast region on and off where `enabled=` is a command-line flag', async () => {
    assert.deepEqual(await textOf(['amp_flag.py', 'open_autocast.py']), [
      'open_autocast.py:14:16 F.scaled_dot_product_attention → train: efficient (flash off: float32) without autocast · flash under bfloat16 autocast | infer: efficient (flash off: float32) without autocast · flash under bfloat16 autocast',
    ]);
  });

  it('names the case by the mask the callers pass', async () => {
    assert.deepEqual(await textOf(['callers_mask.py']), [
      'callers_mask.py:6:12 F.scaled_dot_product_attention → train: flash if `mask` is None · efficient (flash off: attn_mask is not None) if `mask` is a float tensor | infer: flash if `mask` is None · efficient (flash off: attn_mask is not None) if `mask` is a float tensor',
      '  information mask-disables-flash: Flash is off: `mask` is a float tensor (`.half()` at callers_mask.py:16); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel (if `mask` is a float tensor)',
    ]);
  });

  it('reports a crash of some cases as a warning that names them, without a fix', async () => {
    // The motivating bug: L2-normalised q and k run in float32 under autocast, v in the autocast dtype.
    const [report] = await reportsOf(['l2_norm.py']);
    const call = report!.calls[0]!;
    assert.deepEqual(call.modes.train.cases?.map((c) => `${c.when}: ${c.decision.outcome} ${c.decision.backend ?? ''}`), [
      'if xformers is installed, without autocast: runs xformers.cutlass',
      'if xformers is installed, under float16 or bfloat16 autocast: raises ',
      'if xformers is not installed: raises ',
    ]);
    const [mismatch, ...rest] = call.findings;
    assert.equal(rest.length, 0);
    assert.equal(mismatch!.code, 'dtype-mismatch');
    assert.equal(mismatch!.severity, 'warning');
    assert.equal(mismatch!.fix, undefined);
    assert.ok(mismatch!.message.endsWith('(if xformers is installed, under float16 or bfloat16 autocast)'), mismatch!.message);
    assert.ok(mismatch!.message.includes('`q` is float32 (`normalize` at l2_norm.py:20 runs in float32 under autocast'), resolveLineMarks(mismatch!.message));
  });

  it('keeps an error that holds in every case an error', async () => {
    const [report] = await reportsOf(['l2_norm.py'], { ...SETTINGS, autocast: 'float16', installed: { flash_attn: null, xformers: true } });
    const call = report!.calls[0]!;
    assert.equal(call.modes.train.cases, undefined);
    assert.deepEqual(call.findings.map((f) => `${f.code} ${f.severity}`), ['dtype-mismatch error']);
  });

  it('lists the cases in the JSON, and counts a verdict decided in every case as decided', async () => {
    const json = toJsonReport(await reportsOf(['open_autocast.py']));
    const train = json.files[0]!.calls[0]!.modes.train;
    assert.deepEqual(train.cases?.map((c) => [c.when, c.backend]), [
      ['without autocast', 'sdpa.efficient'],
      ['under float16 or bfloat16 autocast', 'sdpa.flash'],
    ]);
    assert.deepEqual({ depends: countReport(json).depends, decided: countReport(json).decided }, { depends: 0, decided: 2 });
  });

  it('takes no module variable set before `exec(open(\'configurator.py\').read())` for a fact', async () => {
    const script = [
      'import torch', 'import torch.nn.functional as F', '',
      "causal = False", "exec(open('configurator.py').read())", '',
      'q = torch.randn(2, 8, 128, 64, dtype=torch.float16)',
      'out = F.scaled_dot_product_attention(q, q, q, is_causal=causal)',
    ].join('\n');
    const [report] = await analyzeFiles([{ path: 'train.py', text: script }], SETTINGS);
    const causal = report!.calls[0]!.modes.train.facts.causal;
    assert.deepEqual(causal.known ? causal.value : resolveLineMarks(causal.dependsOn), "`causal`, which `exec(…)` at train.py:5 may set");
  });

  it('reads `isfunction(d)` of a tensor as False (a `default(context, x)` helper)', async () => {
    const lines = await textOf(['default_fn.py']);
    assert.deepEqual(lines, [
      "default_fn.py:24:16 F.scaled_dot_product_attention → train: efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast [if `x` is a float32 tensor (assumed: CrossAttention.forward's input from no caller in these files)] | infer: efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast [if `x` is a float32 tensor (assumed: CrossAttention.forward's input from no caller in these files)]",
    ]);
  });
});
