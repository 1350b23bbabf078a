/**
 * SDPA per torch release, through the analysis: v2.6.0's own sources (read) keep flash and cuDNN on
 * sm80–sm90, so a Blackwell GPU (sm120) runs math on 2.6; v2.9.1's (read, taken for 2.7, 2.8 and 2.10)
 * run flash there, try cuDNN first only on sm90/sm100, and refuse grouped heads in the memory-efficient
 * kernel and one key/value head without `enable_gqa` (docs/dispatch.md, "Which PyTorch releases were read").
 */
import * as assert from 'node:assert/strict';
import { callReport, environmentOf } from '../../extension/analysis/reporting/build-report';
import type { AnalysisSettings } from '../../extension/analysis/report';
import { SETTINGS, sitesOf } from './helpers';

const FIXTURE = 'torch-releases/blackwell_sdpa.py';
const GROUPED = 'torch-releases/grouped_heads_sdpa.py';

async function inference(settings: AnalysisSettings, fixture = FIXTURE): Promise<string[]> {
  const sites = await sitesOf([fixture], settings);
  return sites.map((s) => {
    const d = callReport(s, environmentOf(settings)).modes.infer.decision;
    const why = d.verdicts.map((v) => `${v.backend}: ${v.reasons[0] ?? v.status}`).join(' | ');
    return `${s.span.line} ${d.outcome} ${d.backend ?? d.error ?? ''} | ${why} | ${d.notes.filter((n) => n.includes('was not read')).join('')}`;
  });
}

describe('analysis: SDPA per torch release', () => {
  it('torch 2.6 on sm120: flash and the memory-efficient kernel end at sm90 (read), math runs; cuDNN forced refuses sm120', async () => {
    assert.deepEqual(await inference({ ...SETTINGS, torch: [2, 6], sm: 120 }), [
      '9 runs sdpa.math | sdpa.flash: Flash attention only supports gpu architectures in the range [sm80, sm90]. Attempting to run on a sm 12.0 gpu. | sdpa.efficient: Mem Efficient Attention only supports gpu architectures in the range [sm50, sm90]. Attempting to run on a sm 12.0 gpu. | sdpa.math: accepted | ',
      '16 raises No available kernel. Aborting execution. | sdpa.flash: Flash attention has been runtime disabled. (`sdpa_kernel(SDPBackend.CUDNN_ATTENTION)` at blackwell_sdpa.py:15) | sdpa.efficient: Memory Efficient attention has been runtime disabled. (`sdpa_kernel(SDPBackend.CUDNN_ATTENTION)` at blackwell_sdpa.py:15) | sdpa.math: The math kernel has been disabled. (`sdpa_kernel(SDPBackend.CUDNN_ATTENTION)` at blackwell_sdpa.py:15) | sdpa.cudnn: cuDNN MHA only supports gpu architectures in the range [sm80, sm90]. Attempting to run on a sm 12.0 gpu. | ',
    ]);
  });

  it('torch 2.10 on sm120: v2.9.1\'s rules run flash, and the answer says 2.10\'s own source was not read', async () => {
    const NOTE = 'torch 2.10\'s own sdp_utils.cpp was not read: these rules are v2.9.1\'s, the nearest release read';
    assert.deepEqual(await inference({ ...SETTINGS, torch: [2, 10], sm: 120 }), [
      `9 runs sdpa.flash | sdpa.flash: accepted | sdpa.efficient: accepted | sdpa.math: accepted | ${NOTE}`,
      `16 runs sdpa.cudnn | sdpa.flash: Flash attention has been runtime disabled. (\`sdpa_kernel(SDPBackend.CUDNN_ATTENTION)\` at blackwell_sdpa.py:15) | sdpa.efficient: Memory Efficient attention has been runtime disabled. (\`sdpa_kernel(SDPBackend.CUDNN_ATTENTION)\` at blackwell_sdpa.py:15) | sdpa.math: The math kernel has been disabled. (\`sdpa_kernel(SDPBackend.CUDNN_ATTENTION)\` at blackwell_sdpa.py:15) | sdpa.cudnn: accepted | ${NOTE}`,
    ]);
  });

  it('torch 2.9 on sm103: v2.9.1 tries cuDNN first only on sm90 and sm100, so flash runs with no cuDNN version to depend on', async () => {
    assert.deepEqual((await inference({ ...SETTINGS, torch: [2, 9], sm: 103 }))[0],
      '9 runs sdpa.flash | sdpa.flash: accepted | sdpa.efficient: accepted | sdpa.math: accepted | ');
  });

  it('torch 2.9 (read): the memory-efficient kernel refuses grouped heads and every fused kernel one k/v head without enable_gqa; math runs', async () => {
    const sameHeads = (kv: number) => `For dense input, both fused kernels require query, key and value to have the same num_heads. Query.sizes(): [2, 32, 256, 64], Key sizes(): [2, ${kv}, 256, 64], Value sizes(): [2, ${kv}, 256, 64] instead. To broadcast dense inputs, try using unsqueeze and expand_to before passing them into the kernel.`;
    assert.deepEqual(await inference({ ...SETTINGS, torch: [2, 9] }, GROUPED), [
      `9 runs sdpa.math | sdpa.flash: Flash Attention does not support non-null attn_mask. | sdpa.efficient: ${sameHeads(8)} | sdpa.math: accepted | `,
      `16 runs sdpa.math | sdpa.flash: ${sameHeads(1)} | sdpa.efficient: ${sameHeads(1)} | sdpa.math: accepted | `,
    ]);
  });

  it('torch 2.10 (not read): the same calls depend on what PyTorch\'s main branch changed later, with the note', async () => {
    const NOTE = 'torch 2.10\'s own sdp_utils.cpp was not read: these rules are v2.9.1\'s, the nearest release read';
    const oneHead = 'depends on whether torch 2.10\'s fused kernels take one key/value head without enable_gqa (PyTorch\'s main branch does since pytorch#191085; not verified for this release)';
    assert.deepEqual(await inference({ ...SETTINGS, torch: [2, 10] }, GROUPED), [
      `9 depends sdpa.efficient | sdpa.flash: Flash Attention does not support non-null attn_mask. | sdpa.efficient: depends on whether torch 2.10's kernel takes grouped heads with enable_gqa (not verified for this release) | sdpa.math: accepted | ${NOTE}`,
      `16 depends sdpa.flash | sdpa.flash: ${oneHead} | sdpa.efficient: ${oneHead} | sdpa.math: accepted | ${NOTE}`,
    ]);
  });
});
