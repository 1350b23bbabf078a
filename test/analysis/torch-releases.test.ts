/**
 * SDPA per torch release on a Blackwell GPU: v2.6.0's own sources (read) keep flash on sm80–sm90 and
 * cuDNN on sm80–sm90, so sm120 runs math on 2.6; main's rules, taken from 2.7, run flash there
 * (docs/dispatch.md, "Which PyTorch releases were read").
 */
import * as assert from 'node:assert/strict';
import { callReport, environmentOf } from '../../extension/analysis/reporting/build-report';
import type { AnalysisSettings } from '../../extension/analysis/report';
import { SETTINGS, sitesOf } from './helpers';

const FIXTURE = 'torch-releases/blackwell_sdpa.py';

async function inference(settings: AnalysisSettings): Promise<string[]> {
  const sites = await sitesOf([FIXTURE], settings);
  return sites.map((s) => {
    const d = callReport(s, environmentOf(settings)).modes.infer.decision;
    const why = d.verdicts.map((v) => `${v.backend}: ${v.reasons[0] ?? v.status}`).join(' | ');
    return `${s.span.line} ${d.outcome} ${d.backend ?? d.error ?? ''} | ${why} | ${d.notes.filter((n) => n.includes('was not read')).join('')}`;
  });
}

describe('analysis: SDPA per torch release on a Blackwell GPU', () => {
  it('torch 2.6 on sm120: flash and the memory-efficient kernel end at sm90 (read), math runs; cuDNN forced refuses sm120', async () => {
    assert.deepEqual(await inference({ ...SETTINGS, torch: [2, 6], sm: 120 }), [
      '9 runs sdpa.math | sdpa.flash: Flash attention only supports gpu architectures in the range [sm80, sm90]. Attempting to run on a sm 12.0 gpu. | sdpa.efficient: Mem Efficient Attention only supports gpu architectures in the range [sm50, sm90]. Attempting to run on a sm 12.0 gpu. | sdpa.math: accepted | ',
      '16 raises No available kernel. Aborting execution. | sdpa.flash: Flash attention has been runtime disabled. (`sdpa_kernel(SDPBackend.CUDNN_ATTENTION)` at blackwell_sdpa.py:15) | sdpa.efficient: Memory Efficient attention has been runtime disabled. (`sdpa_kernel(SDPBackend.CUDNN_ATTENTION)` at blackwell_sdpa.py:15) | sdpa.math: The math kernel has been disabled. (`sdpa_kernel(SDPBackend.CUDNN_ATTENTION)` at blackwell_sdpa.py:15) | sdpa.cudnn: cuDNN MHA only supports gpu architectures in the range [sm80, sm90]. Attempting to run on a sm 12.0 gpu. | ',
    ]);
  });

  it('torch 2.10 on sm120: main\'s rules run flash, and the answer says 2.10\'s own source was not read', async () => {
    const NOTE = 'torch 2.10\'s own sdp_utils.cpp was not read: these rules are PyTorch\'s main branch at 001f694a, taken for every release from 2.7 on';
    assert.deepEqual(await inference({ ...SETTINGS, torch: [2, 10], sm: 120 }), [
      `9 runs sdpa.flash | sdpa.flash: accepted | sdpa.efficient: accepted | sdpa.math: accepted | ${NOTE}`,
      `16 runs sdpa.cudnn | sdpa.flash: Flash attention has been runtime disabled. (\`sdpa_kernel(SDPBackend.CUDNN_ATTENTION)\` at blackwell_sdpa.py:15) | sdpa.efficient: Memory Efficient attention has been runtime disabled. (\`sdpa_kernel(SDPBackend.CUDNN_ATTENTION)\` at blackwell_sdpa.py:15) | sdpa.math: The math kernel has been disabled. (\`sdpa_kernel(SDPBackend.CUDNN_ATTENTION)\` at blackwell_sdpa.py:15) | sdpa.cudnn: accepted | ${NOTE}`,
    ]);
  });
});
