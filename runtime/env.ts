/**
 * Runtime flags, in one object with documented defaults. Providers read them when they
 * initialise (so set them before the first call); nothing else in the runtime reads process.env.
 */
export interface RuntimeEnv {
  /** Provider order for `auto`; earlier wins. @defaultValue ['webgpu', 'wasm'] */
  providers: ('webgpu' | 'wasm')[];
  wasm: {
    /** WASM threads (SharedArrayBuffer workers). @defaultValue min(2, cores) — more is rarely faster here */
    numThreads: number;
  };
  webgpu: {
    /**
     * Whether the device gets the `subgroups` features. `auto` drops them where onnxruntime's
     * subgroup kernels are known to be wrong (subgroups narrower than 8 lanes; docs/runtime.md).
     * @defaultValue 'auto'
     */
    subgroups: 'auto' | 'on' | 'off';
    /**
     * Node only: a Vulkan ICD manifest to use when VK_ICD_FILENAMES is unset, e.g. SwiftShader's
     * from Debian's chromium. @defaultValue undefined (the system's drivers)
     */
    vulkanIcd?: string;
  };
  /** onnxruntime's log level. @defaultValue 'error' */
  logLevel: 'verbose' | 'info' | 'warning' | 'error' | 'fatal';
}

export function defaultEnv(cores: number): RuntimeEnv {
  return { providers: ['webgpu', 'wasm'], wasm: { numThreads: Math.max(1, Math.min(2, cores)) }, webgpu: { subgroups: 'auto' }, logLevel: 'error' };
}
