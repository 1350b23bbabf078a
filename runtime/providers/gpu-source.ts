/// <reference types="@webgpu/types" />
/**
 * Where `GPU` comes from: a browser's or webview's `navigator.gpu`, else in Node the `webgpu`
 * package (Dawn). onnxruntime-web checks `navigator.gpu` before it accepts a device, so in Node
 * we also install Dawn's object there (Node 20 has no `navigator`).
 */
import * as fs from 'node:fs';

export interface GpuSource {
  readonly gpu: GPU;
  readonly origin: 'navigator.gpu' | 'webgpu package (Dawn, Node)';
}

interface WithNavigator { navigator?: { gpu?: GPU } }

export async function gpuSource(vulkanIcd: string | undefined): Promise<GpuSource> {
  const g = globalThis as WithNavigator;
  if (g.navigator?.gpu) return { gpu: g.navigator.gpu, origin: 'navigator.gpu' };
  if (typeof process === 'undefined' || !process.versions?.node) throw new Error('this environment has no navigator.gpu');
  if (vulkanIcd && !process.env.VK_ICD_FILENAMES && fs.existsSync(vulkanIcd)) process.env.VK_ICD_FILENAMES = vulkanIcd;
  const dawn = await import('webgpu');
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  else g.navigator = { gpu };
  return { gpu, origin: 'webgpu package (Dawn, Node)' };
}

/** What to tell the user when Dawn finds no adapter in Node. */
export function noAdapterHint(): string {
  const icd = process.env.VK_ICD_FILENAMES;
  if (process.platform !== 'linux') return 'the system reports no WebGPU-capable GPU';
  if (icd && !fs.existsSync(icd)) return `VK_ICD_FILENAMES points at ${icd}, which does not exist`;
  return `no Vulkan driver answered${icd ? ` (VK_ICD_FILENAMES=${icd})` : ''}; without a GPU, install Debian's libvulkan1 and chromium and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (SwiftShader)`;
}
