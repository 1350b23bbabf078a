/**
 * Values the files leave partly open, decided where the code decides them (#13 items 2 and 4): a
 * layer of a class a builder passes from outside (`norm_layer(dim)`), one of two torch.nn modules a
 * flag picks (`norm_layer(…) if qk_norm else nn.Identity()`), a tensor or None (`self.rel_pos if … else
 * None`), an attribute set on one of more paths than the interpreter keeps apart, and cases told
 * apart by two facts together (the autocast and the mask).
 */
import * as assert from 'node:assert/strict';
import { analyzeFiles } from '../../extension/analysis/index';
import { resolveLineMarks } from '../../extension/analysis/syntax/positions';
import { formatText } from '../../extension/cli/format/text';
import { join, noneOr, tensor, usedAsValue, type Value } from '../../extension/analysis/values/values';
import { known } from '../../runtime/dispatch/facts';
import { readFixture, SETTINGS, sitesOfSource } from './helpers';

async function linesOf(name: string, settings = SETTINGS): Promise<string[]> {
  const reports = await analyzeFiles([{ path: name, text: readFixture(`open-world/${name}`) }], settings);
  return resolveLineMarks(formatText(reports, { color: false })).trimEnd().split('\n').slice(0, -1);
}

const ASSUMED = (input: string, fn: string): string => `\`${input}\` is a float32 tensor (assumed: ${fn}'s input from no caller in these files)`;
/** A helper's input: an activation, in autocast's dtype under autocast. */
const ACTIVATION = (input: string, fn: string): string => `\`${input}\` is an activation (assumed: ${fn}'s input from no caller in these files; float32, or autocast's dtype under autocast)`;
const BY_AUTOCAST = 'efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast';
/** Per head size, q's and v's taken equal, per autocast. */
const BY_D = 'efficient (flash off: float32) without autocast, if D is a multiple of 4 (D: the head size of q and of v, taken equal)'
  + ' · math (flash off: float32) without autocast, if D is not a multiple of 4'
  + ' · flash under float16 or bfloat16 autocast, if D is ≤ 256 (D: the head size of q and of v, taken equal)'
  + ' · efficient (flash off: head dim D) under float16 or bfloat16 autocast, if D is a multiple of 8 and > 256'
  + ' · math (flash off: head dim D) under float16 or bfloat16 autocast, if D is not a multiple of 8 and > 256';

/** Per autocast and per range of a head size the code names by `expr`. */
function byHeadSize(expr: string): string {
  return `efficient (flash off: float32) without autocast, if ${expr} is a multiple of 4`
    + ` · math (flash off: float32) without autocast, if ${expr} is not a multiple of 4`
    + ` · flash under float16 or bfloat16 autocast, if ${expr} is ≤ 256`
    + ` · efficient (flash off: head dim ${expr}) under float16 or bfloat16 autocast, if ${expr} is a multiple of 8 and > 256`
    + ` · math (flash off: head dim ${expr}) under float16 or bfloat16 autocast, if ${expr} is not a multiple of 8 and > 256`;
}

describe('open-world values', () => {
  it('takes a norm layer of a class a builder passes as keeping its input, and decides the call per autocast', async () => {
    const assumed = `[if ${ASSUMED('x', 'Block.forward')}]`;
    assert.deepEqual(await linesOf('qk_norm_layer.py'), [
      `qk_norm_layer.py:21:16 F.scaled_dot_product_attention → train: ${BY_AUTOCAST} ${assumed} | infer: ${BY_AUTOCAST} ${assumed}`,
    ]);
  });

  it('decides a bias that is a parameter or None per case, with the parameter as the tensor case', async () => {
    const verdict = 'efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast, if `bias` is None'
      + ' · efficient (flash off: attn_mask is not None) under float16 or bfloat16 autocast, if `bias` is a float tensor'
      + ` [if ${ASSUMED('x', 'WindowAttention.forward')}]`;
    assert.deepEqual(await linesOf('optional_bias.py'), [
      `optional_bias.py:17:16 F.scaled_dot_product_attention → train: ${verdict} | infer: ${verdict}`,
      '  information mask-disables-flash: Flash is off: `bias` is a float tensor (parameter at optional_bias.py:11, on the paths that pass a tensor);'
      + ' "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel (under float16 or bfloat16 autocast, if `bias` is a float tensor)',
    ]);
  });

  it('names cases by the autocast and the mask together where neither alone tells them apart, with every reason a case runs for', async () => {
    const verdict = 'efficient (flash off: attn_mask is not None or float32) without autocast, or under float16 or bfloat16 autocast, if `bias` is a float tensor'
      + ' · flash under float16 or bfloat16 autocast, if `bias` is None';
    assert.deepEqual(await linesOf('mask_and_autocast.py'), [
      `mask_and_autocast.py:7:12 F.scaled_dot_product_attention → train: ${verdict} | infer: ${verdict}`,
    ]);
  });

  it('keeps the projections a constructor sets on some of more paths than it keeps apart', async () => {
    const assumed = `[if ${ASSUMED('hidden_states', 'Processor.__call__')}]`;
    assert.deepEqual(await linesOf('many_options.py'), [
      `many_options.py:54:16 F.scaled_dot_product_attention → train: ${BY_AUTOCAST} ${assumed} | infer: ${BY_AUTOCAST} ${assumed}`,
    ]);
  });

  it('assumes activations for the annotated tensor inputs of a method nothing calls, its optional mask None or a mask, the rest left as they are', async () => {
    const assumed = `[if ${['q', 'k', 'v'].map((p) => ACTIVATION(p, 'Attention.attend')).join(' and ')}`
      + ' and `mask` is None or a mask (assumed: Attention.attend\'s input from no caller in these files)]';
    const equal = ' (D: the head size of q and of v, taken equal)';
    const autocast = 'under float16 or bfloat16 autocast';
    const masked = '`mask` is a float tensor or a bool tensor';
    const verdict = `efficient (flash off: float32) without autocast, if D is a multiple of 4${equal}`
      + ' · math (flash off: float32) without autocast, if D is not a multiple of 4'
      + ` · flash ${autocast}, if \`mask\` is None and D is ≤ 256${equal}`
      + ` · efficient (flash off: head dim D) ${autocast}, if \`mask\` is None and D is a multiple of 8 and > 256`
      + ` · math (flash off: head dim D) ${autocast}, if \`mask\` is None and D is not a multiple of 8 and > 256`
      + ` · efficient (flash off: attn_mask is not None) ${autocast}, if ${masked} and D is a multiple of 8${equal}`
      + ` · math (flash off: attn_mask is not None) ${autocast}, if ${masked} and D is not a multiple of 8 ${assumed}`;
    assert.deepEqual(await linesOf('override_method.py'), [
      `override_method.py:11:16 F.scaled_dot_product_attention → train: ${verdict} | infer: ${verdict}`,
      '  information mask-disables-flash: Flash is off: `mask` is a float tensor (`mask`, on the paths that pass a tensor);'
        + ' "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel'
        + ` (${autocast}, if ${masked} and D is a multiple of 8${equal}, or ${autocast}, if ${masked} and D is not a multiple of 8)`,
    ]);
  });

  it('takes an optional tensor input nobody passes as None or a tensor, per mask kind, and follows `is not None` tests', async () => {
    const hs = '`C // self.heads`';
    const autocast = 'under float16 or bfloat16 autocast';
    const optional = (input: string, fn: string): string => `\`${input}\` is None or a float32 tensor (assumed: ${fn}'s input from no caller in these files)`;
    const conditioned = `[if ${ASSUMED('x', 'ConditionedAttention.forward')} and ${optional('context', 'ConditionedAttention.forward')}`
      + ` and ${optional('temb', 'ConditionedAttention.forward')}`
      + ' and `attention_mask` is None or a mask (assumed: ConditionedAttention.forward\'s input from no caller in these files)]';
    const masked = '`attention_mask` is a float tensor or a bool tensor';
    const byMask = `efficient (flash off: float32) without autocast, if ${hs} is a multiple of 4`
      + ` · math (flash off: float32) without autocast, if ${hs} is not a multiple of 4`
      + ` · flash ${autocast}, if \`attention_mask\` is None and ${hs} is ≤ 256`
      + ` · efficient (flash off: head dim ${hs}) ${autocast}, if \`attention_mask\` is None and ${hs} is a multiple of 8 and > 256`
      + ` · math (flash off: head dim ${hs}) ${autocast}, if \`attention_mask\` is None and ${hs} is not a multiple of 8 and > 256`
      + ` · efficient (flash off: attn_mask is not None) ${autocast}, if ${masked} and ${hs} is a multiple of 8`
      + ` · math (flash off: attn_mask is not None) ${autocast}, if ${masked} and ${hs} is not a multiple of 8 ${conditioned}`;
    // The bias is a tensor exactly where the path took `if shared_bias is not None:`.
    const shared = `[if ${ASSUMED('x', 'SharedBiasAttention.forward')} and ${optional('shared_bias', 'SharedBiasAttention.forward')}]`;
    const byBias = `efficient (flash off: float32) without autocast, if ${hs} is a multiple of 4, or ${autocast}, if shared_bias is not None and ${hs} is a multiple of 4`
      + ` · math (flash off: float32) without autocast, if ${hs} is not a multiple of 4, or ${autocast}, if shared_bias is not None and ${hs} is not a multiple of 4`
      + ` · flash ${autocast}, if shared_bias is None and ${hs} is ≤ 256`
      + ` · efficient (flash off: head dim ${hs}) ${autocast}, if shared_bias is None and ${hs} is a multiple of 8 and > 256`
      + ` · math (flash off: head dim ${hs}) ${autocast}, if shared_bias is None and ${hs} is not a multiple of 8 and > 256 ${shared}`;
    const lines = await linesOf('optional_inputs.py');
    assert.deepEqual(lines.filter((l) => !l.startsWith('  ')), [
      `optional_inputs.py:30:16 F.scaled_dot_product_attention → train: ${byMask} | infer: ${byMask}`,
      `optional_inputs.py:46:16 F.scaled_dot_product_attention → train: ${byBias} | infer: ${byBias}`,
    ]);
  });

  it('gives an xformers tensor bias per class of its open key length, and takes a tensor annotation with a None default as optional', async () => {
    const autocast = 'under float16 or bfloat16 autocast';
    const masked = '`attention_mask` is a float tensor or a bool tensor';
    const hs = '`dim // self.heads`';
    const noOperator = 'raises: No operator found for `memory_efficient_attention_forward`';
    const mask = '`attention_mask` is None or a mask (assumed: XFormersProcessor.__call__\'s input from no caller in these files)';
    // A None mask runs CUTLASS at any length; a tensor bias only where its key length keeps the strides aligned.
    const xformers = 'cutlass (fa2 off: float32) without autocast, if `attention_mask` is None'
      + ` · cutlass (fa2 off: float32) without autocast, if ${masked} and \`seq_len\` is a multiple of 4`
      + ` · ${noOperator} without autocast, if ${masked} and \`seq_len\` is not a multiple of 4`
      + ` · fa2 ${autocast}, if \`attention_mask\` is None and ${hs} is ≤ 256`
      + ` · cutlass (fa2 off: head dim ${hs}) ${autocast}, if \`attention_mask\` is None and ${hs} is > 256`
      + ` · cutlass (fa2 off: tensor attn_bias) ${autocast}, if ${masked} and \`seq_len\` is a multiple of 8`
      + ` · ${noOperator} ${autocast}, if ${masked} and \`seq_len\` is not a multiple of 8`
      + ` [if ${ASSUMED('hidden_states', 'XFormersProcessor.__call__')} and ${mask}]`;
    // `encoder_hidden_states: torch.FloatTensor = None` is None or a tensor; `.chunk` on None would raise.
    const context = `${BY_AUTOCAST} [if ${ASSUMED('hidden_states', 'ContextProcessor.__call__')}`
      + ' and `encoder_hidden_states` is None or a float32 tensor (assumed: ContextProcessor.__call__\'s input from no caller in these files)]';
    const lines = await linesOf('xformers_processor.py', { ...SETTINGS, installed: { flash_attn: null, xformers: true } });
    assert.deepEqual(lines.filter((l) => !l.startsWith('  ')), [
      `xformers_processor.py:31:16 xformers.ops.memory_efficient_attention → train: ${xformers} | infer: ${xformers}`,
      `xformers_processor.py:41:16 F.scaled_dot_product_attention → train: ${context} | infer: ${context}`,
    ]);
    // The raising cases are warnings that name them; the note on the bias speaks of the cases that run.
    assert.deepEqual(lines.filter((l) => l.includes('bias-alignment')).map((l) => / not a multiple of \d/.exec(l)![0]), [' not a multiple of 4', ' not a multiple of 8']);
    assert.match(lines.find((l) => l.includes('bias-alignment'))!, /^ {2}warning bias-alignment: xformers: "No operator found for `memory_efficient_attention_forward`" — `attention_mask` is a tensor bias with key length `seq_len` not a multiple of 4: .* \(without autocast, if `attention_mask` is a float tensor or a bool tensor and `seq_len` is not a multiple of 4\)$/);
    assert.doesNotMatch(lines.find((l) => l.includes('mask-disables-flash'))!, /not a multiple/);
  });

  it('gives nn.RMSNorm\'s output dtype under autocast by torch release: promoted by its weight up to 2.6, the input\'s from 2.9, open between', async () => {
    const settings = (torch: readonly [number, number]) => ({ ...SETTINGS, torch, autocast: 'float16' as const, installed: { flash_attn: true, xformers: null } });
    const assumed = `[if ${ASSUMED('hidden_states', 'NormedAttention.forward')}]`;
    const old = await linesOf('rms_norm_release.py', settings([2, 5]));
    const raises = `raises: FlashAttention only support fp16 and bf16 data type ${assumed}`;
    assert.equal(old[0], `rms_norm_release.py:21:16 flash_attn_func → train: ${raises} | infer: ${raises}`);
    // 2.5 takes the rule of 2.6.0, the nearest release read, and says so.
    assert.match(old[1]!, /^ {2}error dtype-unsupported: .*`query` is float32 \(float16 promoted with float32 \(parameters of `nn.RMSNorm` at rms_norm_release.py:14 \(float32\)\) at rms_norm_release.py:18, as torch 2.6.0's rms_norm gives it \(2.5's not read\)\)/);
    assert.deepEqual(await linesOf('rms_norm_release.py', settings([2, 9])), [`rms_norm_release.py:21:16 flash_attn_func → train: fa2 ${assumed} | infer: fa2 ${assumed}`]);
    const open = (line: number): string => `the dtype \`nn.RMSNorm\` at rms_norm_release.py:${line} gives with torch 2.7 (float32 by 2.6's rms_norm, float16 by 2.9's; 2.7's not read)`;
    const unread = `fa2? (depends on ${open(14)} and ${open(15)}) ${assumed}`;
    assert.deepEqual(await linesOf('rms_norm_release.py', settings([2, 7])), [`rms_norm_release.py:21:16 flash_attn_func → train: ${unread} | infer: ${unread}`]);
  });

  it('splits by the autocast case first where no fact or pair of facts names the paths\' cases (two config flags and the autocast)', async () => {
    const autocast = 'under float16 or bfloat16 autocast';
    // Flash needs autocast, no ALiBi and narrow heads: three facts, which no pair of them separates.
    const verdict = 'efficient (flash off: float32) without autocast'
      + ` · efficient (flash off: attn_mask is not None or head dim 512) ${autocast}, if \`mask\` is a float tensor, or if \`mask\` is None and self.config.wide_heads`
      + ` · flash ${autocast}, if not (self.config.alibi) and not (self.config.wide_heads)`
      + ` [if ${ASSUMED('x', 'ConfiguredSelfAttention.forward')}]`;
    const lines = await linesOf('configured_biases.py');
    assert.equal(lines[0], `configured_biases.py:25:13 F.scaled_dot_product_attention → train: ${verdict} | infer: ${verdict}`);
  });

  it('settles a causal flag computed from the mask\'s None-ness in each case of the mask (is_causal=mask is None)', async () => {
    const autocast = 'under float16 or bfloat16 autocast';
    // Head size 60: with a mask the math kernel runs, which refuses a mask with is_causal=True; the flag is False there.
    const verdict = 'efficient (flash off: float32) without autocast'
      + ` · flash ${autocast}, if \`mask\` is None`
      + ` · math (flash off: attn_mask is not None) ${autocast}, if \`mask\` is a float tensor or a bool tensor`
      + ` [if ${ASSUMED('x', 'DecoderSelfAttention.forward')} and \`mask\` is None or a mask (assumed: DecoderSelfAttention.forward's input from no caller in these files)]`;
    const lines = await linesOf('causal_unless_masked.py');
    assert.equal(lines[0], `causal_unless_masked.py:19:13 F.scaled_dot_product_attention → train: ${verdict} | infer: ${verdict}`);
  });

  it('lets a helper conclude that q and k have one length where its caller viewed both with one variable, and only there', async () => {
    const autocast = 'under float16 or bfloat16 autocast';
    const lines = (await linesOf('causal_helper.py')).filter((l) => !l.startsWith('  '));
    // The causal flash call in `_attend` needs Lq = Lk: both are the caller's `T`.
    assert.equal(lines[0], `causal_helper.py:19:16 F.scaled_dot_product_attention → train: ${byHeadSize('`C // self.heads`')} [if ${ASSUMED('x', 'HelperSelfAttention.forward')}] | infer: ${byHeadSize('`C // self.heads`')} [if ${ASSUMED('x', 'HelperSelfAttention.forward')}]`);
    // One helper, two callers: the prefix block's keys have their own length, so its run is not the self block's.
    assert.match(lines[1]!, new RegExp(`^causal_helper.py:23:12 F.scaled_dot_product_attention → train: efficient \\(flash off: float32\\) without autocast · flash\\? \\(depends on \`T\` and \`S\`\\) ${autocast} `));
  });

  it('assumes activations for the annotated tensor inputs of functions a registry calls: flash per autocast, raising without', async () => {
    const assumed = (fn: string): string => `[if ${['query', 'key', 'value'].map((p) => ACTIVATION(p, fn)).join(' and ')}]`;
    const flash = 'raises: FlashAttention only support fp16 and bf16 data type without autocast'
      + ' · fa2 under float16 or bfloat16 autocast, if D is ≤ 256 (D: the head size of q and of v, taken equal)'
      + ' · raises: FlashAttention forward only supports head dimension at most 256 under float16 or bfloat16 autocast, if D is > 256'
      + ` ${assumed('_flash_backend')}`;
    const native = `${BY_D} ${assumed('_native_backend')}`;
    const lines = await linesOf('registered_backends.py', { ...SETTINGS, installed: { flash_attn: true, xformers: null } });
    assert.deepEqual(lines.filter((l) => !l.startsWith('  ')), [
      `registered_backends.py:21:12 flash_attn_func → train: ${flash} | infer: ${flash}`,
      `registered_backends.py:27:11 torch.nn.functional.scaled_dot_product_attention → train: ${native} | infer: ${native}`,
    ]);
    // Raising in one case of the autocast, not in every one: a warning that names the case.
    assert.match(lines.find((l) => l.includes('dtype-unsupported'))!, /^ {2}warning dtype-unsupported: flash_attn_func: .*\(without autocast\)$/);
  });

  it('answers device checks by the settings: no NPU path on a CUDA GPU, bfloat16 on sm80, both dtypes where the GPU leaves bf16 open', async () => {
    assert.deepEqual(await linesOf('device_checks.py'), ['device_checks.py:36:16 F.scaled_dot_product_attention → train: flash | infer: flash']);
    const sm75 = 'efficient (flash off: sm75) under float16 autocast · math (flash off: sm75) under bfloat16 autocast';
    assert.deepEqual(await linesOf('device_checks.py', { ...SETTINGS, sm: 75 }), [`device_checks.py:36:16 F.scaled_dot_product_attention → train: ${sm75} | infer: ${sm75}`]);
  });


  it('takes a module a method other than the constructor builds (fused projections) as that kind of module', async () => {
    const verdict = `${BY_D} [if ${ASSUMED('x', 'SelfAttention.forward')}]`;
    assert.deepEqual(await linesOf('fused_projections.py'), [`fused_projections.py:31:16 F.scaled_dot_product_attention → train: ${verdict} | infer: ${verdict}`]);
  });

  it('decides per head size, taken equal and said so, where q and v come from projections of widths the code leaves open', async () => {
    const verdict = `${BY_D} [if ${ASSUMED('hidden_states', 'JointAttention.forward')} and ${ASSUMED('context', 'JointAttention.forward')}]`;
    assert.deepEqual(await linesOf('unrelated_head_sizes.py'), [`unrelated_head_sizes.py:18:16 F.scaled_dot_product_attention → train: ${verdict} | infer: ${verdict}`]);
  });

  it('maps a nested function over the projections, and keeps the head size `unflatten(-1, (heads, head_dim))` gives', async () => {
    const verdict = `raises: FlashAttention only support fp16 and bf16 data type without autocast · fa2 under float16 or bfloat16 autocast [if ${ASSUMED('hidden_states', 'DiffAttention.forward')}]`;
    const lines = await linesOf('split_heads.py');
    assert.deepEqual(lines.filter((l) => !l.startsWith(' ')), [
      `split_heads.py:21:16 flash_attn_func → train: ${verdict} | infer: ${verdict}`,
      `split_heads.py:21:45 flash_attn_func → train: ${verdict} | infer: ${verdict}`,
    ]);
  });

  it('takes a pool layer of open class as keeping its input\'s dtype, and `.to(q.dtype)` as keeping q\'s own', async () => {
    const verdict = `${byHeadSize('`self.head_dim`')} [if ${ASSUMED('x', 'PooledKVAttention.forward')}]`;
    assert.deepEqual(await linesOf('pooled_kv.py'), [`pooled_kv.py:25:16 F.scaled_dot_product_attention → train: ${verdict} | infer: ${verdict}`]);
  });

  it('folds sum() of the sizes a caller passes into the head size, and warns where it is above flash\'s', async () => {
    assert.deepEqual(await linesOf('summed_sizes.py'), [
      'summed_sizes.py:18:16 F.scaled_dot_product_attention → train: efficient (flash off: head dim 448) | infer: efficient (flash off: head dim 448)',
      '  warning head-dim: head size 448 (`self.head_dim` = 448 (`sum(head_parts)`)) is above 256: SDPA\'s flash kernel does not take it',
    ]);
  });

  it('reads the head size of a 5-D windowed q and of queries max-pooled over a dim, and sends 5-D inputs to the math kernel', async () => {
    const hd = '`self.head_dim`';
    const perMode = `math (flash off: 5-D inputs) if self.use_windows`
      + ` · efficient (flash off: float32) without autocast, if not (self.use_windows) and ${hd} is a multiple of 4`
      + ` · math (flash off: float32) without autocast, if not (self.use_windows) and ${hd} is not a multiple of 4`
      + ` · flash under float16 or bfloat16 autocast, if not (self.use_windows) and ${hd} is ≤ 256`
      + ` · efficient (flash off: head dim ${hd}) under float16 or bfloat16 autocast, if not (self.use_windows) and ${hd} is a multiple of 8 and > 256`
      + ` · math (flash off: head dim ${hd}) under float16 or bfloat16 autocast, if not (self.use_windows) and ${hd} is not a multiple of 8 and > 256`
      + ` [if ${ASSUMED('x', 'WindowedAttention.forward')}]`;
    const lines = await linesOf('windowed_pooled.py');
    assert.equal(lines[0], `windowed_pooled.py:28:16 F.scaled_dot_product_attention → train: ${perMode} | infer: ${perMode}`);
    assert.match(lines[1]!, /^ {2}warning input-rank: SDPA runs its math kernel here: q, k and v have dims \(B, self\.heads, num_windows, .*, self\.head_dim\);/);
    assert.equal(lines.length, 2);
  });

  it('keeps the head size of an input of unknown rank through a per-head norm, a transpose before the last dim and map() over chunks', async () => {
    const assumed = `[if ${ASSUMED('x', 'CrossAttention.forward')} and ${ASSUMED('context', 'CrossAttention.forward')}]`;
    assert.deepEqual(await linesOf('normed_heads.py'), [
      `normed_heads.py:38:16 F.scaled_dot_product_attention → train: ${BY_AUTOCAST} ${assumed} | infer: ${BY_AUTOCAST} ${assumed}`,
    ]);
  });

  it('takes heads one attribute of the module gives q and k as equal, and not those a helper\'s parameter gives', async () => {
    const fused = `[if ${ASSUMED('x', 'FusedAttention.forward')}]`;
    const grouped = `[if ${ASSUMED('x', 'GroupedAttention.forward')}]`;
    assert.deepEqual(await linesOf('shared_heads.py'), [
      `shared_heads.py:18:16 xops.memory_efficient_attention → train: fa2 ${fused} | infer: fa2 ${fused}`,
      `shared_heads.py:40:16 xops.memory_efficient_attention → train: fa2? (depends on \`heads\`) ${grouped} | infer: fa2? (depends on \`heads\`) ${grouped}`,
    ]);
  });

  it('runs a @property read as an attribute: a config\'s head size and the norm class it returns', async () => {
    const assumed = `[if ${ASSUMED('x', 'Block.forward')}]`;
    assert.deepEqual(await linesOf('property_classes.py'), [
      `property_classes.py:49:16 F.scaled_dot_product_attention → train: ${BY_AUTOCAST} ${assumed} | infer: ${BY_AUTOCAST} ${assumed}`,
    ]);
  });

  it('runs `super().forward(x)` of a class derived from a torch module as that module', async () => {
    const assumed = `[if ${ASSUMED('x', 'FrameAttention.forward')}]`;
    assert.deepEqual(await linesOf('torch_base_forward.py'), [
      `torch_base_forward.py:29:16 F.scaled_dot_product_attention → train: ${BY_D} ${assumed} | infer: ${BY_D} ${assumed}`,
    ]);
  });

  it('runs a torch module subclass without a forward as the module, its `_conv_forward` override with the weight and bias, and F.rms_norm', async () => {
    const assumed = `[if ${ASSUMED('mel', 'AudioAttention.forward')}]`;
    const raises = 'raises: Expected query, key, and value to have the same dtype, but got query.dtype: c10… without autocast · flash under float16 or bfloat16 autocast';
    assert.deepEqual(await linesOf('casting_layers.py'), [
      `casting_layers.py:31:9 F.scaled_dot_product_attention → train: flash ${assumed} | infer: flash ${assumed}`,
      `casting_layers.py:32:9 F.scaled_dot_product_attention → train: ${raises} ${assumed} | infer: ${raises} ${assumed}`,
      '  warning dtype-mismatch: F.scaled_dot_product_attention: "Expected query, key, and value to have the same dtype, but got query.dtype: c10::Half key.dtype: float and value.dtype: c10::Half instead."'
        + ' — `x` is float16 (`.half()` at casting_layers.py:29); `F.rms_norm(x, (64,), self.k_weight, 1e-6)` is float32 (float16 promoted with float32 (`ones` at casting_layers.py:26 (default dtype)) at casting_layers.py:32,'
        + ' as torch 2.6.0\'s rms_norm gives it (2.5\'s not read)); `x` is float16 (`.half()` at casting_layers.py:29) (without autocast)',
      `casting_layers.py:33:16 F.scaled_dot_product_attention → train: ${BY_AUTOCAST} ${assumed} | infer: ${BY_AUTOCAST} ${assumed}`,
    ]);
  });

  it('puts the halves of a head size that torch.cat joins back into the whole (partial rotary embeddings)', async () => {
    const hs = '`self.head_size`';
    const verdict = byHeadSize(hs);
    const assumed = `[if ${ASSUMED('x', 'RotaryAttention.forward')} and ${ASSUMED('cos', 'RotaryAttention.forward')} and ${ASSUMED('sin', 'RotaryAttention.forward')}]`;
    assert.deepEqual(await linesOf('rope_halves.py'), [
      `rope_halves.py:33:16 F.scaled_dot_product_attention → train: ${verdict} ${assumed} | infer: ${verdict} ${assumed}`,
    ]);
  });

  it('puts a head size split into pairs back into the whole, by stack and flatten or by cat (rotary embeddings on pairs)', async () => {
    const verdict = byHeadSize('`C // self.heads`');
    const assumed = `[if ${ASSUMED('x', 'RotaryAttention.forward')} and ${ASSUMED('rotary', 'RotaryAttention.forward')}]`;
    assert.deepEqual(await linesOf('rope_pairs.py'), [
      `rope_pairs.py:31:16 F.scaled_dot_product_attention → train: ${verdict} ${assumed} | infer: ${verdict} ${assumed}`,
    ]);
  });

  it('names the dims of `reshape(*xq.shape)` by the dims the shape was read from, not by the splat', async () => {
    const hd = '`self.head_dim`';
    const verdict = byHeadSize(hd);
    const assumed = `[if ${ASSUMED('x', 'RopeAttention.forward')} and ${ASSUMED('freqs', 'RopeAttention.forward')}]`;
    assert.deepEqual(await linesOf('splat_reshape.py'), [
      `splat_reshape.py:25:16 F.scaled_dot_product_attention → train: ${verdict} ${assumed} | infer: ${verdict} ${assumed}`,
    ]);
  });

  it('takes torch.lerp\'s dtype from its inputs, which it needs alike (value residual)', async () => {
    const assumed = `[if ${ASSUMED('x', 'ValueResidualStack.forward')}]`;
    assert.deepEqual(await linesOf('value_residual.py'), [
      `value_residual.py:24:16 F.scaled_dot_product_attention → train: ${BY_AUTOCAST} ${assumed} | infer: ${BY_AUTOCAST} ${assumed}`,
    ]);
    const [mixed] = await sitesOfSource([
      'import torch', 'import torch.nn.functional as F', '',
      'def attend(q: torch.Tensor):',
      '    a = torch.zeros(2, 4, 8, 64)',
      '    b = torch.zeros(2, 4, 8, 64, dtype=torch.float16)',
      '    return F.scaled_dot_product_attention(b, b, torch.lerp(a, b, 0.5))',
    ].join('\n'), { ...SETTINGS, autocast: 'off' });
    assert.equal(resolveLineMarks(mixed!.modes.infer.facts.dtypes.v.known ? '' : mixed!.modes.infer.facts.dtypes.v.dependsOn), '`lerp` at snippet.py:7, which raises on inputs of float32 and float16');
  });

  it('keeps the dim a slice object indexes (`q[batch]`, batch = slice(…)): chunks of the batch keep the heads and head size', async () => {
    const verdict = 'cutlass (fa2 off: float32) without autocast · fa2 under float16 or bfloat16 autocast';
    const assumed = `[if ${ASSUMED('x', 'ChunkedAttention.forward')}]`;
    assert.deepEqual(await linesOf('chunked_batches.py'), [
      `chunked_batches.py:25:24 xformers.ops.memory_efficient_attention → train: ${verdict} ${assumed} | infer: ${verdict} ${assumed}`,
    ]);
  });

  it('runs a module list appended to outside a loop as its modules in order', async () => {
    const verdict = byHeadSize('`c // self.heads`');
    const assumed = `[if ${ASSUMED('x', 'Attention.forward')}]`;
    assert.deepEqual(await linesOf('appended_layers.py'), [
      `appended_layers.py:39:16 F.scaled_dot_product_attention → train: ${verdict} ${assumed} | infer: ${verdict} ${assumed}`,
    ]);
  });

  it('decides the paths of each autocast apart where some wait on a fact the others do not (a list appended to in a loop: its module open)', async () => {
    const verdict = 'flash? (depends on the result of `block(…)`) without autocast, if `c // self.heads` is ≤ 256'
      + ' · efficient? (depends on the result of `block(…)`) without autocast, if `c // self.heads` is > 256'
      + ' · flash under float16 or bfloat16 autocast, if `c // self.heads` is ≤ 256'
      + ' · efficient (flash off: head dim `c // self.heads`) under float16 or bfloat16 autocast, if `c // self.heads` is a multiple of 8 and > 256'
      + ' · math (flash off: head dim `c // self.heads`) under float16 or bfloat16 autocast, if `c // self.heads` is not a multiple of 8 and > 256';
    const assumed = `[if ${ASSUMED('x', 'Attention.forward')}]`;
    assert.deepEqual(await linesOf('looped_layers.py'), [
      `looped_layers.py:39:16 F.scaled_dot_product_attention → train: ${verdict} ${assumed} | infer: ${verdict} ${assumed}`,
    ]);
  });

  it('keeps the dtype through apex\'s fused layer norm, padding modules and nn.Tanh', async () => {
    const verdict = byHeadSize('`c // self.heads`');
    const assumed = `[if ${ASSUMED('image', 'Attention.forward')}]`;
    assert.deepEqual(await linesOf('fused_norms.py'), [
      `fused_norms.py:40:16 F.scaled_dot_product_attention → train: ${verdict} ${assumed} | infer: ${verdict} ${assumed}`,
    ]);
  });

  it('says which way a condition the path settled earlier went, where it rules a branch out', async () => {
    const why = 'not reached (`self.fused` is True (a case this path took))';
    const lines = await linesOf('settled_case.py');
    assert.equal(lines.find((l) => l.startsWith('settled_case.py:19:')), `settled_case.py:19:20 softmax(q·kᵀ)·v → train: ${why} | infer: ${why}`);
  });

  it('keeps the activation a call names when the sizes of a much-built block are widened (diffusers\' FeedForward)', async () => {
    const verdict = 'flash if D is ≤ 256 (D: the head size of q and of v, taken equal)'
      + ' · efficient (flash off: head dim D) if D is a multiple of 8 and > 256 · math (flash off: head dim D) if D is not a multiple of 8 and > 256';
    const assumed = `[if ${ASSUMED('hidden_states', 'ImageCrossAttention.forward')} and ${ASSUMED('image_embeds', 'ImageCrossAttention.forward')}]`;
    assert.deepEqual(await linesOf('widened_activation.py'), [
      `widened_activation.py:65:16 F.scaled_dot_product_attention → train: ${verdict} ${assumed} | infer: ${verdict} ${assumed}`,
    ]);
  });

  it('keeps the head size through complex rotary embeddings (view_as_complex, view_as_real, flatten)', async () => {
    const assumed = `[if ${ASSUMED('tokens', 'Transformer.forward')} and ${ASSUMED('freqs', 'Transformer.forward')}]`;
    assert.deepEqual(await linesOf('complex_rope.py'), [
      `complex_rope.py:34:16 F.scaled_dot_product_attention → train: ${BY_AUTOCAST} ${assumed} | infer: ${BY_AUTOCAST} ${assumed}`,
    ]);
  });

  it('reads a dataclass config\'s fields from the call that builds it: passed, defaulted, or open under `**cfg`', async () => {
    const lines = await linesOf('dataclass_config.py');
    const inputs = (fn: string) => ['q', 'k', 'v'].map((x) => ACTIVATION(x, fn)).join(' and ');
    const manual = `math [if self.logit_scale is not None and ${inputs('encode_from_json')}]`;
    assert.equal(lines[0], `dataclass_config.py:34:20 softmax(q·kᵀ)·v → train: ${manual} | infer: ${manual}`);
    const causal = lines.find((l) => l.startsWith('dataclass_config.py:36:'))!;
    assert.ok(causal.includes(`[if ${inputs('encode_causal')}, or self.logit_scale is None and self.causal and ${inputs('encode_from_json')}]`), causal);
    const bidirectional = lines.find((l) => l.startsWith('dataclass_config.py:37:'))!;
    assert.ok(bidirectional.includes(`[if ${inputs('encode_bidirectional')}, or self.logit_scale is None and not (self.causal) and ${inputs('encode_from_json')}]`), bidirectional);
  });

  it('reaches both sides of a flag an environment variable sets, the hand-written side through a helper that adds the mask or not (timm)', async () => {
    const hs = '`self.head_dim`';
    const autocast = 'under float16 or bfloat16 autocast';
    const masked = '`attn_mask` is a float tensor or a bool tensor';
    const inputs = `${ASSUMED('x', 'Attention.forward')} and \`attn_mask\` is None or a mask (assumed: Attention.forward's input from no caller in these files)`;
    const fused = `efficient (flash off: float32) without autocast, if ${hs} is a multiple of 4`
      + ` · math (flash off: float32) without autocast, if ${hs} is not a multiple of 4`
      + ` · flash ${autocast}, if \`attn_mask\` is None and ${hs} is ≤ 256`
      + ` · efficient (flash off: head dim ${hs}) ${autocast}, if \`attn_mask\` is None and ${hs} is a multiple of 8 and > 256`
      + ` · math (flash off: head dim ${hs}) ${autocast}, if \`attn_mask\` is None and ${hs} is not a multiple of 8 and > 256`
      + ` · efficient (flash off: attn_mask is not None) ${autocast}, if ${masked} and ${hs} is a multiple of 8`
      + ` · math (flash off: attn_mask is not None) ${autocast}, if ${masked} and ${hs} is not a multiple of 8`
      + ` [if _USE_FUSED_ATTN > 0 and ${inputs}]`;
    // Before, the helper's `scores if attn_mask is None else scores + attn_mask` lost the scores, and
    // this read "not reached (`self.fused_attn` is True (a case this path took))".
    const manual = `math [if not (_USE_FUSED_ATTN > 0) and ${inputs}]`;
    assert.deepEqual(await linesOf('mask_helper.py'), [
      `mask_helper.py:37:17 F.scaled_dot_product_attention → train: ${fused} | infer: ${fused}`,
      '  information mask-disables-flash: Flash is off: `attn_mask` is a float tensor (`attn_mask`, on the paths that pass a tensor);'
        + ' "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel'
        + ` (${autocast}, if ${masked} and ${hs} is a multiple of 8, or ${autocast}, if ${masked} and ${hs} is not a multiple of 8)`,
      `mask_helper.py:43:17 softmax(q·kᵀ)·v → train: ${manual} | infer: ${manual}`,
      '  information manual-attention: Hand-written attention materialises the L×L score matrix;'
        + ' `F.scaled_dot_product_attention(q, k, v, attn_mask=…, scale=…)` computes the same fused (flash or memory-efficient kernel)',
    ]);
  });

  it('takes a tensor beside a placeholder tuple as the tensor where a tensor method is called on it (diffusers\' fused projections)', async () => {
    const assumed = `[if ${ASSUMED('hidden_states', 'JointAttention.forward')} and ${ASSUMED('encoder_hidden_states', 'JointAttention.forward')}]`;
    assert.deepEqual(await linesOf('placeholder_tuple.py'), [
      `placeholder_tuple.py:31:16 F.scaled_dot_product_attention → train: ${BY_AUTOCAST} ${assumed} | infer: ${BY_AUTOCAST} ${assumed}`,
    ]);
  });

  it('takes `x or default` for the value it picks (`act_layer or nn.GELU` builds a GELU), and `flag and mask is None and …` for a condition', async () => {
    assert.deepEqual(await linesOf('or_defaults.py'), [
      "or_defaults.py:32:20 F.scaled_dot_product_attention → train: efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast [if attn_bias is None and `x` is a float32 tensor (assumed: Attention.forward's input from no caller in these files) and `attn_bias` is None or a float32 tensor (assumed: Attention.forward's input from no caller in these files)] | infer: efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast [if attn_bias is None and `x` is a float32 tensor (assumed: Attention.forward's input from no caller in these files) and `attn_bias` is None or a float32 tensor (assumed: Attention.forward's input from no caller in these files)]",
      "or_defaults.py:33:16 F.scaled_dot_product_attention → train: efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast, if `attn_bias` is None · efficient (flash off: attn_mask is not None) under float16 or bfloat16 autocast, if `attn_bias` is a float tensor [if attn_bias is not None and `x` is a float32 tensor (assumed: Attention.forward's input from no caller in these files) and `attn_bias` is None or a float32 tensor (assumed: Attention.forward's input from no caller in these files)] | infer: efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast, if `attn_bias` is None · efficient (flash off: attn_mask is not None) under float16 or bfloat16 autocast, if `attn_bias` is a float tensor [if attn_bias is not None and `x` is a float32 tensor (assumed: Attention.forward's input from no caller in these files) and `attn_bias` is None or a float32 tensor (assumed: Attention.forward's input from no caller in these files)]",
      "  information mask-disables-flash: Flash is off: `attn_bias` is a float tensor (`attn_bias`, on the paths that pass a tensor); \"Flash Attention does not support non-null attn_mask.\" — SDPA falls back to the memory-efficient or math kernel (under float16 or bfloat16 autocast, if `attn_bias` is a float tensor)",
    ]);
  });

  it('runs a model only a registry builds before its blocks\' attention, which it reaches with the pooling layer the block passes', async () => {
    const assumed = `[if ${ASSUMED('x', 'Hiera.forward')}]`;
    assert.deepEqual(await linesOf('registry_blocks.py'), [
      `registry_blocks.py:23:16 F.scaled_dot_product_attention → train: ${BY_AUTOCAST} ${assumed} | infer: ${BY_AUTOCAST} ${assumed}`,
    ]);
  });

  describe('None or a value', () => {
    const linear: Value = { t: 'torchmod', kind: 'Linear', args: {}, origin: '`nn.Linear` at m.py:3' };
    const none: Value = { t: 'none', source: 'None at m.py:5' };

    it('keeps the value beside the None, which a call or an attribute read then uses', () => {
      const either = join(linear, none);
      assert.equal(either.t, 'unknown');
      assert.deepEqual(usedAsValue(either), linear);
      assert.deepEqual(usedAsValue(join(none, either)), linear);
    });

    it('joins keyword tables built per path key by key: a key on some paths only is open, one on none stays unset', () => {
      const pooling: Value = { t: 'bool', value: true, why: 'a' };
      const joined = join({ t: 'dict', entries: [['add_pooling_layer', pooling]] }, { t: 'dict', entries: [] });
      assert.equal(joined.t, 'dict');
      const entries = joined.t === 'dict' ? joined.entries : [];
      assert.deepEqual(entries.map(([k]) => k), ['add_pooling_layer']);
      assert.deepEqual(entries[0]![1], { t: 'unknown', why: 'the entry "add_pooling_layer", set on some paths only' });
      const both = join({ t: 'dict', entries: [['k', pooling]] }, { t: 'dict', entries: [['k', pooling]] });
      assert.deepEqual(both, { t: 'dict', entries: [['k', pooling]] });
    });

    it('joins sequences whose length differs by path into any number of items like all of theirs', () => {
      const f32 = tensor(known('float32', 'a'), 'a');
      const f16 = tensor(known('float16', 'b'), 'b');
      const joined = join({ t: 'tuple', items: [f32, f32, f32] }, { t: 'many', item: f16 });
      assert.equal(joined.t, 'many');
      assert.equal(joined.t === 'many' && joined.item.t === 'tensor' && joined.item.dtype.known, false);
      const lengths = join({ t: 'tuple', items: [f32] }, { t: 'tuple', items: [f32, f32] });
      assert.deepEqual(lengths.t === 'many' && lengths.item.t === 'tensor' ? lengths.item.dtype : undefined, f32.dtype);
    });

    it('joins the values of two such joins, and gives up the value where they do not join', () => {
      const f32 = tensor(known('float32', 'a'), 'a');
      const f16 = tensor(known('float16', 'b'), 'b');
      const joined = usedAsValue(join(noneOr(f32, none, 'x')!, f16));
      assert.equal(joined.t, 'tensor');
      assert.equal(joined.t === 'tensor' && joined.dtype.known, false);
      assert.equal(noneOr(none, none, 'x'), undefined);
      assert.equal(noneOr(f32, f16, 'x'), undefined);
    });
  });
});
