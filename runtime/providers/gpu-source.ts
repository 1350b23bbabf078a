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

type Dawn = typeof import('webgpu', { with: { 'resolution-mode': 'import' } });

/**
 * Each platform's package carries only its own Dawn binary (docs/extension.md), and the `webgpu`
 * package has none for some platforms: there the import finds no module, and WASM still runs.
 */
export const NO_DAWN_BINARY = 'no WebGPU binary for this platform: WASM only';

export async function importDawn(load: () => Promise<Dawn> = () => import('webgpu')): Promise<Dawn> {
  try {
    return await load();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') throw new Error(NO_DAWN_BINARY);
    throw err;
  }
}

export async function gpuSource(vulkanIcd: string | undefined): Promise<GpuSource> {
  const g = globalThis as WithNavigator;
  if (g.navigator?.gpu) return { gpu: g.navigator.gpu, origin: 'navigator.gpu' };
  if (typeof process === 'undefined' || !process.versions?.node) throw new Error('this environment has no navigator.gpu');
  if (vulkanIcd && !process.env.VK_ICD_FILENAMES && fs.existsSync(vulkanIcd)) process.env.VK_ICD_FILENAMES = vulkanIcd;
  const dawn = await importDawn();
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
