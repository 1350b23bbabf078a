/**
 * flash-attention 3 (`flash_attn_interface`) and 4 (`flash_attn.cute`): found as attention calls with
 * their own checks (docs/dispatch.md): a head size FA4 takes on sm90 but not on sm100, float32 refused
 * by both in their own words.
 */
import * as assert from 'node:assert/strict';
import { callReport, environmentOf } from '../../extension/analysis/reporting/build-report';
import type { AnalysisSettings } from '../../extension/analysis/report';
import { annotate, SETTINGS, sitesOf } from './helpers';

const FIXTURE = 'flash-attention-3-4/hopper_blackwell.py';

async function outcomes(settings: AnalysisSettings): Promise<string[]> {
  const sites = await sitesOf([FIXTURE], settings);
  return sites.flatMap((s) => {
    const r = callReport(s, environmentOf(settings));
    return (['train', 'infer'] as const).map((m) => `${s.span.line} ${m} ${r.modes[m].decision.outcome} ${r.modes[m].decision.backend ?? r.modes[m].decision.error ?? ''}`);
  });
}

describe('analysis: flash-attention 3 and 4', () => {
  it('finds both versions beside each other, in (B, L, H, D), with their head sizes', async () => {
    assert.deepEqual(annotate(await sitesOf([FIXTURE], { ...SETTINGS, sm: 90 })), [
      `${FIXTURE}:20:15 flash_attn3_func Attention.forward`,
      '  train reached=true bf16,bf16,bf16 mask=none causal=true p=0 layout=BLHD H=8 D=192 → fa3',
      '  infer reached=true ?,?,? mask=none causal=true p=0 layout=BLHD H=24 D=64 → raises: FlashAttention only supports fp16, bf16, and fp8_e4m3 data type without autocast · fa3 under float16 or bfloat16 autocast',
      '  dtype-unsupported warning infer 20:31 flash_attn_func: "FlashAttention only supports fp16, bf16, and fp8_e4m3 data type" — `q` is float32 (`randn` at hopper_blackwell.py:35 (default dtype)); `k` is float32 (`randn` at hopper_blackwell.py:35 (default dtype)); `v` is float32 (`randn` at hopper_blackwell.py:35 (default dtype)) (inference path: @torch.no_grad() on evaluate) (without autocast)',
      `${FIXTURE}:21:15 fa4_func Attention.forward`,
      '  train reached=true bf16,bf16,bf16 mask=none causal=true p=0 layout=BLHD H=8 D=192 → fa4',
      '  infer reached=true ?,?,? mask=none causal=true p=0 layout=BLHD H=24 D=64 → raises: inputs must be float16, bfloat16, fp8 e4m3fn, or fp8 e5m2 without autocast · fa4 under float16 or bfloat16 autocast',
      '  dtype-unsupported warning infer 21:24 fa4_attn (flash_attn_func): "inputs must be float16, bfloat16, fp8 e4m3fn, or fp8 e5m2" — `q` is float32 (`randn` at hopper_blackwell.py:35 (default dtype)); `k` is float32 (`randn` at hopper_blackwell.py:35 (default dtype)); `v` is float32 (`randn` at hopper_blackwell.py:35 (default dtype)) (inference path: @torch.no_grad() on evaluate) (without autocast)',
      `${FIXTURE}:40:12 flash_attn3_varlen_func packed`,
      '  train reached=null ?,?,? mask=none causal=true p=0 layout=? H=? D=? → fa3? (depends on the argument `q` of packed)',
      '  infer reached=null ?,?,? mask=none causal=true p=0 layout=? H=? D=? → fa3? (depends on the argument `q` of packed)',
    ]);
  });

  it('head size 192: FA4 takes it on sm90, raises on sm100; float32 raises in each version\'s words', async () => {
    const base = { ...SETTINGS, autocast: 'off' as const };
    assert.deepEqual((await outcomes({ ...base, sm: 90 })).slice(0, 4), [
      '20 train runs flash_attn.fa3',
      '20 infer raises FlashAttention only supports fp16, bf16, and fp8_e4m3 data type',
      '21 train runs flash_attn.fa4',
      '21 infer raises inputs must be float16, bfloat16, fp8 e4m3fn, or fp8 e5m2',
    ]);
    assert.deepEqual((await outcomes({ ...base, sm: 100 })).slice(2, 3), [
      '21 train raises (head_dim, head_dim_v)=(192, 192) is not supported on SM100/SM110. head_dim and head_dim_v must be between 8 and 128 and divisible by 8, or (192, 128) for DeepSeek, or (256, 256) for hd256.',
    ]);
  });

  it('float32 into FA3 is a dtype-unsupported error with casts to bfloat16', async () => {
    const settings = { ...SETTINGS, autocast: 'off' as const, sm: 90 };
    const [fa3] = await sitesOf([FIXTURE], settings);
    const finding = callReport(fa3!, environmentOf(settings)).findings.find((f) => f.code === 'dtype-unsupported')!;
    assert.equal(finding.severity, 'error');
    assert.match(finding.message, /^flash_attn_func: "FlashAttention only supports fp16, bf16, and fp8_e4m3 data type"/);
    assert.equal(finding.fix?.title, 'Cast q → bfloat16, k → bfloat16, v → bfloat16');
  });
});
