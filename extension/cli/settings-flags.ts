/**
 * The flags that state the user's environment (`--autocast --installed --torch --gpu --device`)
 * and what is assumed where the files do not say (`--assume-inputs`),
 * shared by every subcommand that analyses or dispatches, and their translation into AnalysisSettings.
 */
import type { AnalysisSettings } from '../analysis/report';
import { parseChoice, parseChoiceList, UsageError } from './args';

export const SETTINGS_OPTIONS = {
  autocast: { type: 'string' },
  installed: { type: 'string' },
  torch: { type: 'string' },
  gpu: { type: 'string' },
  device: { type: 'string' },
  'assume-inputs': { type: 'string' },
} as const;

export type SettingsFlagValues = { readonly [K in keyof typeof SETTINGS_OPTIONS]?: string };

/** What is assumed when neither a flag nor pyproject.toml says: nothing known about autocast or installed libraries. */
export const DEFAULT_SETTINGS: AnalysisSettings = {
  autocast: 'unknown',
  installed: { flash_attn: null, xformers: null },
  torch: [2, 5],
  sm: 80,
  device: 'cuda',
  assumeInputs: 'float32-params',
};

export const SETTINGS_USAGE = `  (each overrides the same key of [tool.attnlens] in the nearest pyproject.toml above a file)
  --autocast float16|bfloat16|off|unknown   autocast assumed where the code shows none (default unknown)
  --installed LIST   optional libraries installed: comma-separated flash_attn,xformers, or none
                     (unlisted ones are then not installed; default: unknown)
  --torch X.Y        PyTorch version, 2.0 to 2.10 (default 2.5)
  --gpu smNN         CUDA compute capability, e.g. sm80 (A100), sm90 (H100), sm100 (B200), sm120 (RTX 50xx)
                     (default sm80)
  --device cuda|cpu  device the model runs on (default cuda)
  --assume-inputs none|float32-params
                     inputs of a module's forward that no code in the files calls: floating tensors
                     of the module's parameter dtype, stated as an assumption (default float32-params)
`;

const OPTIONAL_LIBRARIES = ['flash_attn', 'xformers'] as const;

/** The settings the flags given state; the others come from pyproject.toml's [tool.attnlens] or DEFAULT_SETTINGS. */
export function flagSettings(values: SettingsFlagValues): Partial<AnalysisSettings> {
  return {
    ...(values.autocast === undefined ? {} : { autocast: parseChoice('autocast', values.autocast, ['float16', 'bfloat16', 'off', 'unknown'] as const) }),
    ...(values.installed === undefined ? {} : { installed: parseInstalled(values.installed) }),
    ...(values.torch === undefined ? {} : { torch: parseTorchVersion(values.torch) }),
    ...(values.gpu === undefined ? {} : { sm: parseComputeCapability(values.gpu) }),
    ...(values.device === undefined ? {} : { device: parseChoice('device', values.device, ['cuda', 'cpu'] as const) }),
    ...(values['assume-inputs'] === undefined ? {} : { assumeInputs: parseChoice('assume-inputs', values['assume-inputs'], ['none', 'float32-params'] as const) }),
  };
}

/** The flags' settings over the defaults, for tools that read no pyproject.toml (the corpus benchmark). */
export function settingsFromFlags(values: SettingsFlagValues): AnalysisSettings {
  return { ...DEFAULT_SETTINGS, ...flagSettings(values) };
}

function parseInstalled(value: string): AnalysisSettings['installed'] {
  const listed = value.trim() === 'none' ? [] : parseChoiceList('installed', value, OPTIONAL_LIBRARIES);
  return { flash_attn: listed.includes('flash_attn'), xformers: listed.includes('xformers') };
}

/** `2.5` or `2.5.1` → [2, 5]. */
export function parseTorchVersion(value: string): readonly [number, number] {
  const match = /^(\d+)\.(\d+)(\.\d+)?$/.exec(value.trim());
  if (match === null) throw new UsageError(`--torch: '${value}' is not a version like 2.5`);
  return [Number(match[1]), Number(match[2])];
}

/** `sm80`, `sm_80` or `80` → 80. */
export function parseComputeCapability(value: string): number {
  const match = /^(?:sm_?)?(\d{2,3})$/i.exec(value.trim());
  if (match === null) throw new UsageError(`--gpu: '${value}' is not a compute capability like sm80 or sm90`);
  return Number(match[1]);
}
