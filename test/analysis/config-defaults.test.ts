/**
 * Defaults a config may set are not facts (#13 item 2): where the workspace builds classes by name
 * (`getattr(importlib.import_module(…), name)`), a class the files never name takes each
 * constructor default as unknown, saying where a config sets it; the values its constructor allows
 * (`assert x in MODES`, `Literal[…]`) are cases. A class the files build keeps its defaults.
 */
import * as assert from 'node:assert/strict';
import { AnalysisSession, analyzeFiles, type SourceFile } from '../../extension/analysis/index';
import type { AnalysisSettings } from '../../extension/analysis/report';
import { resolveLineMarks } from '../../extension/analysis/syntax/positions';
import { formatText } from '../../extension/cli/format/text';
import { readFixture, SETTINGS } from './helpers';

const NO_AUTOCAST: AnalysisSettings = { ...SETTINGS, autocast: 'off' };

/** The text format's lines, without the summary, line marks resolved. */
async function textOf(names: readonly string[], settings: AnalysisSettings = NO_AUTOCAST): Promise<string[]> {
  const reports = await analyzeFiles(names.map((name) => ({ path: name, text: readFixture(`configs/${name}`) })), settings);
  return resolveLineMarks(formatText(reports, { color: false })).trimEnd().split('\n').slice(0, -1);
}

/** Where the fixtures' config sets a value: the factory in registry.py. */
const CONFIG = '(a config may set it: `resolve` at registry.py:8)';

const assumedX = (cls: string): string => `\`x\` is a float32 tensor (assumed: ${cls}.forward's input from no caller in these files)`;

describe('defaults a config may set', () => {
  it('takes a bool default of a class only a config builds as unknown', async () => {
    const fused = `efficient (flash off: float32) [if self.fused and ${assumedX('SwitchedAttention')}]`;
    assert.deepEqual(await textOf(['registry.py', 'fused_switch.py']), [
      `fused_switch.py:15:20 F.scaled_dot_product_attention → train: ${fused} | infer: ${fused}`,
    ]);
    // hydra's `instantiate(cfg.model)` builds classes by name too.
    assert.deepEqual(await textOf(['hydra_entry.py', 'fused_switch.py']), [
      `fused_switch.py:15:20 F.scaled_dot_product_attention → train: ${fused} | infer: ${fused}`,
    ]);
  });

  it('says where the config may set it', async () => {
    const reports = await analyzeFiles(['registry.py', 'causal_flag.py'].map((name) => ({ path: name, text: readFixture(`configs/${name}`) })), NO_AUTOCAST);
    const causal = reports.find((r) => r.path === 'causal_flag.py')!.calls[0]!.modes.train.facts.causal;
    assert.deepEqual(causal.known ? causal.value : resolveLineMarks(causal.dependsOn),
      'the argument `causal` of MaybeCausal, which a config may set (`resolve` at registry.py:8 builds classes by name)');
  });

  it('keeps the default where nothing builds classes by name', async () => {
    const unreached = 'not reached (`self.fused` is False (False at fused_switch.py:6))';
    assert.deepEqual(await textOf(['fused_switch.py']), [
      `fused_switch.py:15:20 F.scaled_dot_product_attention → train: ${unreached} | infer: ${unreached}`,
    ]);
  });

  it('keeps the default of a class the files build without that argument', async () => {
    const unreached = 'not reached (`self.fused` is False (False at built_here.py:6))';
    assert.deepEqual(await textOf(['registry.py', 'built_here.py']), [
      `built_here.py:15:20 F.scaled_dot_product_attention → train: ${unreached} | infer: ${unreached}`,
    ]);
  });

  it('reaches each branch of a mode the constructor asserts in its allowed values, in that case only', async () => {
    const [fused, eager, note] = await textOf(['registry.py', 'kernel_modes.py']);
    const inCase = (mode: string): string => `\`kernel\` of ModalAttention is "${mode}" ${CONFIG} and ${assumedX('ModalAttention')}`;
    assert.equal(fused, `kernel_modes.py:18:19 F.scaled_dot_product_attention → train: efficient (flash off: float32) [if ${inCase('fused')}] | infer: efficient (flash off: float32) [if ${inCase('fused')}]`);
    assert.equal(eager, `kernel_modes.py:20:19 softmax(q·kᵀ)·v → train: math [if ${inCase('eager')}] | infer: math [if ${inCase('eager')}]`);
    assert.ok(note!.startsWith('  information manual-attention:'), note);
  });

  it('gives a verdict per value of a `Literal[…]` parameter, and merges the values where they agree', async () => {
    const perCase = `efficient (flash off: attn_mask is not None) if \`span\` of BandedAttention is "band" ${CONFIG} · flash if \`span\` of BandedAttention is "full" ${CONFIG}`;
    assert.deepEqual(await textOf(['registry.py', 'windowed.py'], { ...SETTINGS, autocast: 'float16' }), [
      `windowed.py:22:16 F.scaled_dot_product_attention → train: ${perCase} [if ${assumedX('BandedAttention')}] | infer: ${perCase} [if ${assumedX('BandedAttention')}]`,
      `  information mask-disables-flash: Flash is off: \`keep\` is a bool tensor (\`.bool()\` at windowed.py:13); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel (if \`span\` of BandedAttention is "band" ${CONFIG})`,
    ]);
    // Without autocast both values run the efficient kernel: one verdict, reached whichever the config picks.
    const efficient = `efficient (flash off: float32) [if ${assumedX('BandedAttention')}]`;
    assert.deepEqual(await textOf(['registry.py', 'windowed.py']), [`windowed.py:22:16 F.scaled_dot_product_attention → train: ${efficient} | infer: ${efficient}`]);
  });

  it('builds the class a table of allowed values picks for each value', async () => {
    // `self.CORES[core]()` with `core` from a config: FusedCore runs under TableBlock too, not only on its own.
    const assumedOf = async (names: readonly string[]): Promise<string[]> => {
      const reports = await analyzeFiles(names.map((name) => ({ path: name, text: readFixture(`configs/${name}`) })), NO_AUTOCAST);
      const fused = reports.find((r) => r.path === 'backend_table.py')!.calls.find((c) => c.function === 'FusedCore.forward')!;
      return (fused.modes.train.assumed ?? []).map((a) => resolveLineMarks(a));
    };
    const own = ['q', 'k', 'v'].map((t) => `\`${t}\` is a float32 tensor (assumed: FusedCore.forward's input from no caller in these files)`).join(' and ');
    assert.deepEqual(await assumedOf(['registry.py', 'backend_table.py']), [own, assumedX('TableBlock')]);
    assert.deepEqual(await assumedOf(['backend_table.py']), [own]);
  });

  it('takes the values a builder may pass from a list the constructor checks against', async () => {
    // `if precision not in PRECISIONS: raise …` with a module-level list; the builder passes `cfg.precision`.
    const passed = '(`PrecisionAttention(precision=cfg.precision)` at builder_modes.py:24 passes it)';
    const inCase = (value: string): string => `\`precision\` of PrecisionAttention is "${value}" ${passed} and ${assumedX('PrecisionAttention')}`;
    const fast = `flash [if ${inCase('fast')}]`;
    const exact = `efficient (flash off: float32) [if ${inCase('exact')}]`;
    assert.deepEqual(await textOf(['builder_modes.py']), [
      `builder_modes.py:19:20 F.scaled_dot_product_attention → train: ${fast} | infer: ${fast}`,
      `builder_modes.py:20:16 F.scaled_dot_product_attention → train: ${exact} | infer: ${exact}`,
    ]);
  });

  it('follows an edit that builds the class in the files, or removes the factory, as a fresh analysis does', async () => {
    const fixtures = (names: readonly string[]): SourceFile[] => names.map((name) => ({ path: name, text: readFixture(`configs/${name}`) }));
    const s = await AnalysisSession.create(NO_AUTOCAST);
    try {
      const start = fixtures(['registry.py', 'fused_switch.py']);
      await s.openAll(start);
      const reached = (): boolean | null => s.report('fused_switch.py').calls[0]!.modes.train.reached;
      assert.equal(reached(), null);
      // A builder in the files that leaves `fused` out: the default is a fact again.
      const built = { path: 'registry.py', text: `${start[0]!.text}\n\ndef default_attention():\n    from fused_switch import SwitchedAttention\n    return SwitchedAttention(64)\n` };
      s.update(built.path, built.text);
      assert.equal(reached(), false);
      assert.deepEqual(s.report('fused_switch.py'), (await analyzeFiles([built, start[1]!], NO_AUTOCAST))[1]);
      // Back to the factory alone, then without it.
      s.update('registry.py', start[0]!.text);
      assert.equal(reached(), null);
      const plain = { path: 'registry.py', text: 'def resolve(class_path):\n    return class_path\n' };
      s.update(plain.path, plain.text);
      assert.equal(reached(), false);
      assert.deepEqual(s.report('fused_switch.py'), (await analyzeFiles([plain, start[1]!], NO_AUTOCAST))[1]);
    } finally {
      s.dispose();
    }
  });
});
