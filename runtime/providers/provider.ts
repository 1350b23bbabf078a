/**
 * The provider contract: everything WebGPU- or WASM-specific stays behind it. A provider is
 * initialised once (lazily, by the registry); after that it creates sessions for kernel graphs.
 */
import type * as ort from 'onnxruntime-web';
import type { KernelDtype } from '../../kernels/kernel';
import type { ProviderName } from '../dispatch/capabilities';
import type { AdapterReport } from './adapter';

export type OrtModule = typeof ort;
export type OrtSession = ort.InferenceSession;
export type OrtTensor = ort.Tensor;

export interface ProviderInfo {
  readonly name: ProviderName;
  /** e.g. "WASM, 2 threads" or "WebGPU: google swiftshader (SwiftShader driver 5.0.0)". */
  readonly description: string;
  readonly adapter?: AdapterReport;
  /** Largest single buffer the provider can hold, in bytes. */
  readonly maxBufferBytes: number;
  /** Memory for everything together, in bytes (Infinity where the provider does not say). */
  readonly maxTotalBytes: number;
  /** Dtypes it cannot run, with the reason. */
  readonly refusedDtypes: Readonly<Partial<Record<KernelDtype, string>>>;
}

export interface Provider {
  readonly name: ProviderName;
  /** Loads the provider; rejects with the plain reason it cannot run here. */
  init(): Promise<ProviderInfo>;
  /** The onnxruntime-web bundle this provider runs on (tensors must come from it). Only after init. */
  ort(): OrtModule;
  createSession(model: Uint8Array): Promise<OrtSession>;
  /** Releases the device or threads; the provider can be initialised again afterwards. */
  dispose(): Promise<void>;
}
