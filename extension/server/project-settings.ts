/**
 * The project's `[tool.attnlens]` as editor options, so that resolveSettings validates both the
 * same way and the editor's own values win where the user set them.
 */
import type { ProjectConfig } from '../project-config/project-config';
import type { SettingKey } from './settings';

export function projectOptions(config: ProjectConfig | undefined): Partial<Record<SettingKey, unknown>> {
  if (config === undefined) return {};
  const library = (installed: boolean | null) => (installed === null ? 'unknown' : installed ? 'installed' : 'missing');
  return {
    ...(config.autocast === undefined ? {} : { autocast: config.autocast }),
    ...(config.installed === undefined ? {} : { 'libraries.flashAttn': library(config.installed.flash_attn), 'libraries.xformers': library(config.installed.xformers) }),
    ...(config.torch === undefined ? {} : { torchVersion: config.torch.join('.') }),
    ...(config.gpu === undefined ? {} : { gpuArch: config.gpu }),
    ...(config.device === undefined ? {} : { device: config.device }),
    ...(config.target === undefined ? {} : { targetGpu: config.target }),
  };
}
