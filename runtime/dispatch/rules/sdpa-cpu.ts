/**
 * `F.scaled_dot_product_attention` on CPU: FLASH (no dropout, masks allowed, any float dtype) → MATH (RULES.md).
 * The CPU honours `enable_flash_sdp` / `enable_math_sdp`; its order is fixed (`set_priority` does not change it).
 * `use_flash_attention_cpp` read at v2.6.0 (Debian's pytorch_2.6.0+dfsg.orig.tar.xz) and at main 02315a4.
 */
import { need, OK, rejected, type BackendRule } from '../check';
import type { Policy } from '../engine';
import { DTYPES } from '../facts';
import { torch } from '../messages';
import { attnMaskShape, dtypeIn, fourDimensional, MATH, SDPA_VALIDATION, sdpaNotes, sdpaWarnings } from './sdpa-shared';
import { torchAtLeast } from '../context';
import { fusedHeads } from './sdpa-heads';
import { switchedOn } from './sdpa-switches';

/** The CPU's flash kernel takes grouped heads from 2.9 (read on the 2.8 and 2.9 release branches). */
const cpuFlashHeads = fusedHeads((c) => (torchAtLeast(c.env, 2, 9) ? 'takes' : 'refuses'), [2, 9]);

const FLASH_CPU: BackendRule = {
  backend: 'sdpa.flash',
  conditions: [
    switchedOn('flash'), fourDimensional,
    (c) => need([c.facts.dropout], (p) => (p > 0 ? rejected(torch.fusedDropout, 'dropout') : OK)),
    cpuFlashHeads,
    // Read at v2.6.0 and main; earlier releases were not read for it.
    (c) => (torchAtLeast(c.env, 2, 6) ? attnMaskShape(c) : OK),
    (c) => need([c.facts.shape.headDim, c.facts.shape.headDimV], (d, dv) =>
      d === dv ? OK : rejected(torch.flashHeadDimCpu(d, d, dv), `head dims ${d}/${dv}`)),
    dtypeIn(DTYPES),
  ],
};

export const SDPA_CPU: Policy = {
  id: 'sdpa-cpu',
  autocastAware: true,
  validation: SDPA_VALIDATION,
  backends: [FLASH_CPU, MATH],
  exhausted: () => torch.noKernelCpu,
  warnings: sdpaWarnings,
  notes: sdpaNotes,
};
