/**
 * The runtime's own overhead: `attend()` (validation, the policy's decision, the cached session,
 * tensor wrapping, output read-back) against a bare `session.run` of the same graph on the same
 * inputs. The two are timed in alternating pairs and the ratio is taken per pair, so drift in
 * the machine's speed (±30 % here) hits both sides of each ratio alike.
 */
import { KERNELS } from '../../kernels';
import type { KernelConfig, KernelId } from '../../kernels/kernel';
import type { AttendOptions, AttendTensor } from '../attend';
import { ortInputs, type KernelFeeds } from '../kernel-session';
import type { ResolvedProvider } from '../providers/registry';
import type { Runtime } from '../runtime';
import { sample, type SamplingPolicy } from './sampler';
import { median } from './stats';

/** attend()'s arguments for the same inputs a kernel session is fed. */
function attendArgs(config: KernelConfig, feeds: KernelFeeds, provider: ResolvedProvider): { q: AttendTensor; k: AttendTensor; v: AttendTensor; options: AttendOptions } {
  const s = config.shape;
  const tensor = (data: KernelFeeds['q'], dims: number[]): AttendTensor => ({ dtype: config.dtype, dims, data });
  const maskDims = config.mask.kind === 'none' ? [] : [config.mask.batch, config.mask.heads, s.seqQ, s.seqKv];
  const mask: AttendOptions['mask'] = config.mask.kind === 'bool' ? { kind: 'bool', dims: maskDims, data: feeds.mask as Uint8Array }
    : config.mask.kind === 'float' ? { kind: 'float', tensor: tensor(feeds.mask as KernelFeeds['q'], maskDims) } : undefined;
  return {
    q: tensor(feeds.q, [s.batch, s.heads, s.seqQ, s.headDim]),
    k: tensor(feeds.k, [s.batch, s.kvHeads, s.seqKv, s.headDim]),
    v: tensor(feeds.v, [s.batch, s.kvHeads, s.seqKv, s.headDimV]),
    options: { provider: provider.info.name, causal: config.causal, ...(mask ? { mask } : {}) },
  };
}

/**
 * The median of attend()/bare time ratios, or null when attend() refuses the call or its policy
 * runs another kernel than `kernel` (then attend() would not run the same graph).
 */
export async function measureOverhead(runtime: Runtime, provider: ResolvedProvider, kernel: KernelId, config: KernelConfig, feeds: KernelFeeds, policy: SamplingPolicy): Promise<number | null> {
  const { q, k, v, options } = attendArgs(config, feeds, provider);
  // attend() may refuse the call or choose another kernel; then there is no like-for-like ratio.
  const chosen = await runtime.attend(q, k, v, options).then((r) => r.kernel, () => null);
  if (chosen !== kernel) return null;
  const bare = await provider.provider.createSession(KERNELS[kernel].build(config));
  try {
    const inputs = ortInputs(provider.provider.ort(), config, feeds);
    const timeBare = async () => {
      const start = performance.now();
      const result = await bare.run(inputs);
      await result.out.getData();
      const ms = performance.now() - start;
      result.out.dispose();
      return ms;
    };
    const timeAttend = async () => {
      const start = performance.now();
      await runtime.attend(q, k, v, options);
      return performance.now() - start;
    };
    // Which side runs first alternates, so the second run's warmer caches favour neither.
    let pair = 0;
    // A ratio of two noisy times is heavy-tailed: its median can look settled after 14 pairs and
    // still swing 0.65–4.3 between runs on a loaded machine (measured at L128). So pairs are
    // taken for the whole time budget (settling needs equal medians, which does not happen).
    const pairs: SamplingPolicy = { ...policy, settleTolerance: 0 };
    const ratios = await sample(async () => {
      if (pair++ % 2 === 0) {
        const bareMs = await timeBare();
        return (await timeAttend()) / bareMs;
      }
      const attendMs = await timeAttend();
      return attendMs / (await timeBare());
    }, pairs);
    return median(ratios);
  } finally {
    await bare.release();
  }
}
