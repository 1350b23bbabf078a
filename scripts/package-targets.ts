/**
 * The platforms `npm run package` builds a .vsix for, and the native files each one carries. The
 * `webgpu` package ships one Dawn build per platform (node_modules/webgpu/dist/<platform>-<arch>,
 * macOS as one universal build); a package holds only its own, so each stays under the size limit.
 */
export const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'] as const;
export type Target = (typeof TARGETS)[number];

/** The largest package we accept, in bytes (issue #14): one WASM build and one platform's Dawn. */
export const MAX_PACKAGE_BYTES = 16_000_000;

const DAWN = 'node_modules/webgpu/dist';

/**
 * Dawn's files per target, repository-relative. Windows: Dawn compiles shaders with FXC
 * (d3dcompiler_47.dll, beside dawn.node as the webgpu package asks). The package's DXC
 * (dxcompiler.dll, 17 MB) would take win32-x64 past the limit; without it Dawn uses FXC, which
 * has no shader-f16 or subgroups, so float16 on WebGPU is refused there with that reason.
 * A target missing here ships no Dawn: the runtime says "no WebGPU binary for this platform: WASM only".
 */
export const NATIVE_FILES: Readonly<Record<Target, readonly string[]>> = {
  'linux-x64': [`${DAWN}/linux-x64/dawn.node`],
  'linux-arm64': [`${DAWN}/linux-arm64/dawn.node`],
  'darwin-x64': [`${DAWN}/darwin-universal/dawn.node`],
  'darwin-arm64': [`${DAWN}/darwin-universal/dawn.node`],
  'win32-x64': [`${DAWN}/win32-x64/dawn.node`, `${DAWN}/win32-x64/d3dcompiler_47.dll`],
};

export function isTarget(name: string): name is Target {
  return (TARGETS as readonly string[]).includes(name);
}

export function packageFileName(target: Target): string {
  return `attention-lens-${target}.vsix`;
}
