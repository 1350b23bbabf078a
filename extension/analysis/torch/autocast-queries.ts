/**
 * Code that asks about autocast instead of entering it: `torch.is_autocast_enabled()` and
 * `torch.get_autocast_gpu_dtype()` / `torch.get_autocast_dtype("cuda")`. Hugging Face's
 * flash-attention path casts q, k, v back from float32 with them ("the input hidden states seems to
 * be silently casted in float32"): `if torch.is_autocast_enabled(): target_dtype =
 * torch.get_autocast_gpu_dtype()`. The answers come from the autocast region the path runs in.
 *
 * Both functions ask about CUDA's autocast (the no-argument forms are the CUDA ones); the analysis
 * does not track a region's device, so any region counts (docs/analysis.md, Limits). A device given
 * as another literal (`"cpu"`) or a value the code does not establish leaves the answer unknown.
 */
import type { Dtype, Fact } from '../../../runtime/dispatch/facts';
import { arg, fileLine, type CallArgs } from '../values/engine';
import type { Frame, PathState } from '../values/state';
import { textOf, type SyntaxNode } from '../syntax/syntax';
import { UNKNOWN, type Value } from '../values/values';

const ENABLED = new Set(['torch.is_autocast_enabled', 'torch.cuda.is_autocast_enabled']);
const DTYPE = new Set(['torch.get_autocast_gpu_dtype', 'torch.get_autocast_dtype', 'torch.cuda.get_autocast_dtype']);

/** The value of an autocast query `name(args)` on this path; undefined when `name` is none. */
export function autocastQuery(name: string, args: CallArgs, st: PathState, fr: Frame, node: SyntaxNode): Value | undefined {
  if (!ENABLED.has(name) && !DTYPE.has(name)) return undefined;
  const written = `\`${textOf(node)}\``;
  // `torch.get_autocast_dtype` takes the device (required); the others take it optionally (torch ≥ 2.4).
  const device = arg(args, 0, 'device_type');
  const onCuda = device ? device.value.t === 'str' && device.value.value === 'cuda' : name !== 'torch.get_autocast_dtype';
  if (!onCuda) return UNKNOWN(`${written} (the analysis tracks CUDA's autocast only)`);
  const region: Fact<Dtype | null> = st.ctx.autocast;
  if (!region.known) return UNKNOWN(region.dependsOn);
  const at = `${written} at ${fileLine(fr, node)}`;
  if (ENABLED.has(name)) {
    return { t: 'bool', value: region.value !== null, why: `${at} is ${region.value !== null ? 'True' : 'False'} (${region.source})` };
  }
  // Outside a region PyTorch answers its default dtype (float16) or one `set_autocast_dtype` chose: not known here.
  if (region.value === null) return UNKNOWN(`${at} outside an autocast region (${region.source})`);
  return { t: 'dtype', value: region.value, source: `${at} (${region.source})` };
}
