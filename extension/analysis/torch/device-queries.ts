/**
 * Code that asks which device it runs on: `torch.cuda.is_available()`, `torch.cuda.is_bf16_supported()`,
 * other accelerators' checks (`torch.backends.mps.is_available()`, `torch.xpu.is_available()`) and the
 * libraries' helpers for them (diffusers' and transformers' `is_torch_npu_available()`,
 * `is_torch_xla_available()`). The answers come from the device setting (`--device`, default cuda)
 * and the target GPU (`--gpu`): a path written for an Ascend NPU or a TPU is not the path the
 * verdicts are about, and joining it in made them "depends" on what an NPU kernel returns.
 */
import type { AnalysisSettings } from '../report';
import type { Value } from '../values/values';

/** Other accelerators' PyTorch backends: never the device the settings name (cuda or cpu). */
const OTHER_ACCELERATORS = 'npu|xla|mlu|xpu|mps|hpu|musa|tpu';
const TORCH_CHECK = new RegExp(`^torch\\.(?:backends\\.)?(${OTHER_ACCELERATORS})\\.is_available$`);
const HELPER = new RegExp(`^is_(?:torch_)?(${OTHER_ACCELERATORS}|cuda)_available$`);

/** The first GPU generation with bfloat16 arithmetic (Ampere, sm80). */
const BF16_SM = 80;

/**
 * The value of the device query `name(…)` (a torch function's full name, or a helper's name), by the
 * settings; undefined where `name` asks nothing of the kind, or the settings do not decide it.
 */
export function deviceQuery(name: string, settings: Pick<AnalysisSettings, 'device' | 'sm'>): Value | undefined {
  // Asked of every call's callee: the names below all end so, and most callees do not.
  if (!name.endsWith('_available') && !name.endsWith('_supported')) return undefined;
  const onDevice = `the model runs on ${settings.device} (device setting)`;
  const helper = HELPER.exec(name.split('.').pop()!)?.[1];
  if (name === 'torch.cuda.is_available' || helper === 'cuda') {
    return { t: 'bool', value: settings.device === 'cuda', why: `\`${name}()\` is ${settings.device === 'cuda' ? 'True' : 'False'}: ${onDevice}` };
  }
  const other = TORCH_CHECK.exec(name)?.[1] ?? helper;
  if (other) return { t: 'bool', value: false, why: `\`${name}()\` is False: ${onDevice}, not ${other}` };
  // Below sm80 the answer changed across releases (newer ones report bfloat16 that is emulated): not decided.
  if (name === 'torch.cuda.is_bf16_supported' && settings.device === 'cuda' && settings.sm >= BF16_SM) {
    return { t: 'bool', value: true, why: `\`${name}()\` is True: sm${settings.sm} computes in bfloat16 (gpu setting)` };
  }
  return undefined;
}
