/**
 * Facts that hold and quick fixes that compute what the code computed (#13): masks made like the
 * input, bool masks, a VAE's 512-wide single head, torch-version gates in another module, one-line
 * conditions, every unknown in the text format; the SDPA rewrite of hand-written attention keeping
 * mask, causality, scale and layout or not offered, and dtype casts that agree at one call.
 */
import * as assert from 'node:assert/strict';
import { formatText } from '../../extension/cli/format/text';
import { summarizeMode } from '../../extension/cli/format/mode-summary';
import { dependsOn } from '../../runtime/dispatch/check';
import { analyzeFiles } from '../../extension/analysis/index';
import type { AnalysisSettings, CallReport, FileReport } from '../../extension/analysis/report';
import { annotate, applyEdits, readFixture, SETTINGS, sitesOf } from './helpers';

const DIR = 'faithful-fixes';

async function reportsOf(names: readonly string[], settings: AnalysisSettings = SETTINGS): Promise<FileReport[]> {
  return analyzeFiles(names.map((n) => ({ path: `${DIR}/${n}`, text: readFixture(`${DIR}/${n}`) })), settings);
}

/** `line: reached (why it is not)` on the training path, per call. */
function reachedLines(report: FileReport): string[] {
  return report.calls.map((c) => {
    const m = c.modes.train;
    return `${c.span.line}: ${m.reached}${m.blockedBy ? ` (${m.blockedBy.why})` : ''}${m.assumed?.length ? ` [if ${m.assumed.join(', or ')}]` : ''}`;
  });
}

function callAt(report: FileReport, line: number): CallReport {
  const call = report.calls.find((c) => c.span.line === line);
  assert.ok(call, `no call at ${line}`);
  return call;
}

/** The source line `line` of a text. */
function lineOf(text: string, line: number): string {
  return text.split('\n')[line - 1]!;
}

/** With a mask, per head size (q's and v's taken equal: the inputs have no shape in the files). */
const BY_HEAD_SIZE = 'efficient (flash off: attn_mask is not None) if D is a multiple of 8 (D: the head size of q and of v, taken equal) · math (flash off: attn_mask is not None) if D is not a multiple of 8';

describe('faithful facts and fixes', () => {
  it('sees masks made like the input as tensors, and bool masks as bool through casts, joins and transposes', async () => {
    const mask = (line: number, kind: string, what: string, origin: string): string[] => [
      `${DIR}/masks.py:${line}:13 sdpa PaddedAttention.forward`,
      `  train reached=null fp32,fp32,fp32 mask=${kind} causal=false p=0 layout=? H=? D=? → ${BY_HEAD_SIZE}`,
      `  infer reached=null fp32,fp32,fp32 mask=${kind} causal=false p=0 layout=? H=? D=? → ${BY_HEAD_SIZE}`,
      `  mask-disables-flash information - ${line}:63 Flash is off: \`${what}\` is a ${kind} tensor (${origin}); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel`,
    ];
    assert.deepEqual(annotate(await sitesOf([`${DIR}/masks.py`])), [
      ...mask(10, 'float', 'bias', '`.new_zeros()` at masks.py:9'),
      ...mask(12, 'float', 'filled', '`.new_full()` at masks.py:11'),
      ...mask(14, 'bool', 'keep', '`.bool()` at masks.py:13'),
      ...mask(16, 'bool', 'both', '`cat` at masks.py:15'),
      ...mask(18, 'bool', 'flipped', '`.bool()` at masks.py:13'),
    ]);
  });

  it('reads a single-head VAE attention\'s head size from its convolutions: 512, which flash does not take', async () => {
    assert.deepEqual(annotate(await sitesOf([`${DIR}/vae.py`])), [
      `${DIR}/vae.py:23:15 sdpa SpatialAttention.forward`,
      '  train reached=null ?,?,? mask=none causal=false p=0 layout=? H=1 D=512 → efficient (flash off: head dim 512)',
      '  infer reached=null ?,?,? mask=none causal=false p=0 layout=? H=1 D=512 → efficient (flash off: head dim 512)',
      '  head-dim warning - 23:46 head size 512 (`c` = 512 (the output channels of `nn.Conv2d` at vae.py:12 = 512)) is above 256: SDPA\'s flash kernel does not take it',
    ]);
  });

  it('decides a hasattr(F, "scaled_dot_product_attention") flag imported from another module by the torch setting, and quotes a condition split over lines on one line', async () => {
    const files = ['gated.py', 'availability.py'];
    const hasattr = '`hasattr(F, "scaled_dot_product_attention")` is False with torch 1.13 (setting)';
    assert.deepEqual(reachedLines((await reportsOf(files, { ...SETTINGS, torch: [1, 13] }))[0]!), [
      '18: null [if q.shape[-1] > 256 and `q` is a float32 tensor (assumed: GatedAttention.forward\'s input from no caller in these files) and `k` is a float32 tensor (assumed: GatedAttention.forward\'s input from no caller in these files) and `v` is a float32 tensor (assumed: GatedAttention.forward\'s input from no caller in these files)]',
      `20: false (${hasattr})`,
      `22: false (${hasattr})`,
      '23: null [if not (q.shape[-1] > 256) and `q` is a float32 tensor (assumed: GatedAttention.forward\'s input from no caller in these files) and `k` is a float32 tensor (assumed: GatedAttention.forward\'s input from no caller in these files) and `v` is a float32 tensor (assumed: GatedAttention.forward\'s input from no caller in these files)]',
    ]);
    assert.deepEqual(reachedLines((await reportsOf(files))[0]!), [
      '18: null [if q.shape[-1] > 256 and `q` is a float32 tensor (assumed: GatedAttention.forward\'s input from no caller in these files) and `k` is a float32 tensor (assumed: GatedAttention.forward\'s input from no caller in these files) and `v` is a float32 tensor (assumed: GatedAttention.forward\'s input from no caller in these files)]',
      '20: null [if not (q.shape[-1] > 256) and `q` is a float32 tensor (assumed: GatedAttention.forward\'s input from no caller in these files) and `k` is a float32 tensor (assumed: GatedAttention.forward\'s input from no caller in these files) and `v` is a float32 tensor (assumed: GatedAttention.forward\'s input from no caller in these files)]',
      // After `if SDPA_AVAILABLE: return …`, only a torch without SDPA would go on; the dead walk of
      // what follows goes on past line 22's decided return too.
      '22: false (`hasattr(F, "scaled_dot_product_attention")` is True with torch 2.5 (setting))',
      '23: false (`hasattr(F, "scaled_dot_product_attention")` is True with torch 2.5 (setting))',
    ]);
  });

  it('names in the text format every unknown the JSON lists, each once, and the cases that decide it', async () => {
    const [report] = await reportsOf(['masks.py']);
    const call = { ...report!, calls: [callAt(report!, 10)] };
    const why = summarizeMode(call.calls[0]!.modes.train).why;
    assert.deepEqual(why, [
      'depends on the head size of q and the head size of v',
      'autocast casts q, k, v and the float attn_mask to float16 before SDPA picks a kernel (float64 inputs excepted)',
    ]);
    const assumed = ['q', 'k', 'v'].map((x) => `\`${x}\` is a float32 tensor (assumed: PaddedAttention.forward's input from no caller in these files)`).join(' and ');
    const every = `${BY_HEAD_SIZE} [if ${assumed}]`;
    assert.equal(formatText([call], { color: false }).split('\n')[0], `${DIR}/masks.py:10:13 F.scaled_dot_product_attention → train: ${every} | infer: ${every}`);
  });

  it('names each unknown once in a verdict, leaving out one another unknown already says', () => {
    const x = 'the argument `x` of Decoder.forward';
    assert.deepEqual(dependsOn([x, '`c`', `${x} and \`c\``, x]), { kind: 'depends', reason: `depends on ${x} and \`c\``, unknowns: [`${x} and \`c\``] });
  });

  describe('the SDPA rewrite of hand-written attention', () => {
    /** `line: message` and the line the fix leaves, or `no fix`. */
    async function rewrites(): Promise<string[]> {
      const text = readFixture(`${DIR}/manual.py`);
      const [report] = await reportsOf(['manual.py']);
      return report!.calls.flatMap((c) => {
        const finding = c.findings.find((f) => f.code === 'manual-attention')!;
        const codes = c.findings.map((f) => f.code).join(',');
        return [`${c.span.line} ${codes}: ${finding.message}`, finding.fix ? `  → ${lineOf(applyEdits(text, finding.fix.edits), c.span.line).trim()}` : '  no fix'];
      });
    }

    it('keeps the mask, the causal flag, the scale and the layout, or offers no fix', async () => {
      const same = 'computes the same fused (flash or memory-efficient kernel)';
      const written = 'Hand-written attention materialises the L×L score matrix;';
      assert.deepEqual(await rewrites(), [
        // A helper adds the bias only when one is given: callers that pass one need attn_mask.
        `16 manual-attention: ${written} \`F.scaled_dot_product_attention(q, k, v, attn_mask=…, scale=…)\` ${same}`,
        '  no fix',
        // `scores += bias` under `if bias is not None:` (bias=None by default) masks like `scores + bias`.
        `24 manual-attention: ${written} \`F.scaled_dot_product_attention(q, k, v, attn_mask=…, scale=…)\` ${same}`,
        '  no fix',
        // q and k each scaled by d^-0.25: the scores are scaled already, so SDPA must not scale again.
        `31 manual-attention: ${written} \`F.scaled_dot_product_attention((q * scale), (k * scale), v, scale=1.0)\` ${same}`,
        '  → return F.scaled_dot_product_attention((q * scale), (k * scale), v, scale=1.0)',
        // (B, L, H, D) einsums: transposed in and out, scaled once; no layout error on correct code.
        `49 manual-attention: ${written} \`F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), scale=self.head_dim ** -0.5).transpose(1, 2)\` ${same}`,
        '  → return F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), scale=self.head_dim ** -0.5).transpose(1, 2).reshape(B, T, C)',
        // Heads folded into the batch: SDPA's fused kernels refuse 3-D inputs.
        `57 manual-attention: ${written} q, k, v are 3-D here (heads folded into the batch), so \`F.scaled_dot_product_attention\` would run its math kernel too (its fused kernels need 4-D inputs: input-rank) — keep the heads in a dim of their own, (B, H, L, D), to run it fused`,
        '  no fix',
        // A tril buffer mask is SDPA's is_causal.
        `69 manual-attention: ${written} \`F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=(1.0 / k.size(-1) ** 0.5))\` ${same}`,
        '  no fix',
        // Channels first, q and k each scaled by ch^-0.25 (guided diffusion's QKVAttention): found, 3-D.
        `79 manual-attention: ${written} q, k, v are 3-D here (heads folded into the batch), so \`F.scaled_dot_product_attention\` would run its math kernel too (its fused kernels need 4-D inputs: input-rank) — keep the heads in a dim of their own, (B, H, L, D), to run it fused`,
        '  no fix',
        // Probabilities mixed across heads are not ·v (no call at line 89), and no single SDPA call.
        `90 manual-attention: ${written} \`F.scaled_dot_product_attention(q, k, v, scale=…)\` ${same}`,
        '  no fix',
        // k transposed, then scaled (diffusers' 1-D U-Net): named untransposed, scaled once; no fix (the product is not one it undoes).
        `97 manual-attention: ${written} \`F.scaled_dot_product_attention(q * scale, k * scale, v, scale=1.0)\` ${same}`,
        '  no fix',
      ]);
    });

    it('leaves SDPA calls the analysis reads back as such, with no layout error', async () => {
      const text = readFixture(`${DIR}/manual.py`);
      const [before] = await reportsOf(['manual.py']);
      const edits = before!.calls.flatMap((c) => c.findings.flatMap((f) => f.fix?.edits ?? []));
      const [after] = await analyzeFiles([{ path: `${DIR}/manual.py`, text: applyEdits(text, edits) }], SETTINGS);
      assert.deepEqual(after!.calls.map((c) => `${c.span.line} ${c.api} ${c.findings.map((f) => f.code).join(',')}`), [
        '16 softmax(q·kᵀ)·v manual-attention',
        '24 softmax(q·kᵀ)·v manual-attention',
        '31 F.scaled_dot_product_attention ',
        '49 F.scaled_dot_product_attention ',
        '57 softmax(q·kᵀ)·v manual-attention',
        '69 softmax(q·kᵀ)·v manual-attention',
        '79 softmax(q·kᵀ)·v manual-attention',
        '90 softmax(q·kᵀ)·v manual-attention',
      '97 softmax(q·kᵀ)·v manual-attention',
      ]);
    });
  });

  it('casts to the dtype of the argument that has it, with the bias, in one fix', async () => {
    const text = readFixture(`${DIR}/dtypes.py`);
    const [report] = await reportsOf(['dtypes.py']);
    const call = callAt(report!, 18);
    assert.deepEqual(call.findings.map((f) => f.code), ['dtype-mismatch', 'mask-disables-flash']);
    const fix = call.findings[0]!.fix!;
    assert.equal(fix.title, 'Cast q → v.dtype (bfloat16), k → v.dtype (bfloat16), bias → v.dtype (bfloat16)');
    // q, k alone would leave the float32 bias against a bfloat16 q: "invalid dtype for bias".
    assert.equal(lineOf(applyEdits(text, fix.edits), 18), '        return xops.memory_efficient_attention(q.to(v.dtype), k.to(v.dtype), v, attn_bias=bias.to(v.dtype))');
  });

  it('casts to the dtype by name where the argument that has it is computed, rather than computing it again', async () => {
    const text = readFixture(`${DIR}/dtypes.py`);
    const [report] = await reportsOf(['dtypes.py']);
    const fix = callAt(report!, 30).findings.find((f) => f.code === 'dtype-mismatch')!.fix!;
    assert.equal(fix.title, 'Cast v.float() → bfloat16');
    assert.equal(lineOf(applyEdits(text, fix.edits), 30), '    return xops.memory_efficient_attention(q.bfloat16(), k.bfloat16(), v.float().to(torch.bfloat16))');
  });

  it('lets a bias follow the cast q gets at the same call rather than pull q the other way', async () => {
    const [report] = await analyzeFiles(['model.py', 'sample.py'].map((n) => ({ path: n, text: readFixture(`examples/${n}`) })), SETTINGS);
    const call = callAt(report!, 46);
    const train = call.findings.filter((f) => f.mode === 'train' && f.code.includes('dtype'));
    assert.deepEqual(train.map((f) => [f.code, f.fix?.title ?? 'no fix']), [
      ['dtype-mismatch', 'Cast q → v.dtype (float16), k → v.dtype (float16)'],
      ['bias-dtype', 'no fix'],
    ]);
    assert.match(train[1]!.message, /the bias is float16, q is float32; casting q to float16 as the fix of this call's dtype error does makes them match/);
  });
});
