/**
 * The shared vocabulary of Attention Lens: what is known about one attention call.
 *
 * The runtime fills these from real tensors (every fact known); the analysis fills them from
 * Python source (any fact may be unknown). The dispatch policy reads only these types, so one
 * set of rules serves both. Never guess: a fact the source does not establish is `unknown`,
 * and carries what it depends on, which the policy turns into "depends on …".
 */

/** Floating dtypes attention cares about, named as in `torch.<name>`. */
export type Dtype = 'float16' | 'bfloat16' | 'float32' | 'float64';

export const DTYPES: readonly Dtype[] = ['float16', 'bfloat16', 'float32', 'float64'];

/** Where a fact came from, e.g. "`.float()` at model.py:41" or "autocast region at sample.py:12". */
export type Source = string;

/** A fact that is established, with its provenance. */
export interface KnownFact<T> {
  readonly known: true;
  readonly value: T;
  readonly source: Source;
}

/** A fact that is not established; `dependsOn` completes the sentence "depends on …". */
export interface UnknownFact {
  readonly known: false;
  readonly dependsOn: string;
}

export type Fact<T> = KnownFact<T> | UnknownFact;

export function known<T>(value: T, source: Source): KnownFact<T> {
  return { known: true, value, source };
}

export function unknown(dependsOn: string): UnknownFact {
  return { known: false, dependsOn };
}

/**
 * A dtype not established but known to be one autocast casts (float16, bfloat16 or float32, never
 * float64): what a layer of unknown class gives under autocast. An op autocast casts sees the
 * autocast dtype either way.
 */
export interface AutocastCastable extends UnknownFact {
  readonly autocastCasts: true;
}

export function autocastCastable(dependsOn: string): AutocastCastable {
  return { known: false, dependsOn, autocastCasts: true };
}

export function isAutocastCastable(f: Fact<unknown>): f is AutocastCastable {
  return !f.known && 'autocastCasts' in f;
}

/** The API the call goes through; it selects the dispatch policy. */
export type AttentionApi =
  | 'sdpa' //                   torch.nn.functional.scaled_dot_product_attention
  | 'flash_attn_func'
  | 'flash_attn_varlen_func'
  | 'flash_attn_varlen_qkvpacked_func'
  | 'flash_attn_varlen_kvpacked_func'
  | 'flash_attn_qkvpacked_func'
  | 'flash_attn_kvpacked_func'
  | 'flash_attn_with_kvcache'
  | 'flash_attn3_func' //       flash-attention 3: flash_attn_interface.flash_attn_func
  | 'flash_attn3_varlen_func'
  | 'fa4_func' //               flash-attention 4: flash_attn.cute.flash_attn_func
  | 'fa4_varlen_func'
  | 'memory_efficient_attention' // xformers.ops.memory_efficient_attention (also fmha.)
  | 'multihead_attention' //    torch.nn.MultiheadAttention module call
  | 'manual' //                 hand-written softmax(q·kᵀ)·v
  | 'flex_attention' //         torch.nn.attention.flex_attention.flex_attention
  | 'from_pretrained' //        transformers' model loading: the attention implementation it configures
  | 'dispatch_attention_fn' //  diffusers' attention dispatcher: the backend it calls decides the policy
  | 'runtime'; //               Attention Lens' own attend() on WebGPU/WASM

/** The APIs that call a library's kernels themselves (diffusers' dispatcher calls one of these). */
export type LibraryApi = Exclude<AttentionApi, 'dispatch_attention_fn'>;

/** Training (autograd on, dropout live) or inference. */
export type Mode = 'train' | 'infer';

/**
 * What is passed as the attention mask or bias.
 * - `none`: provably no mask (`None`, or the argument absent)
 * - `float`: an additive float tensor bias
 * - `bool`: a boolean mask (True = attend, SDPA convention)
 * - `library`: a library mask object such as xformers' `LowerTriangularMask` or `BlockDiagonalMask`
 */
export type MaskKind = 'none' | 'float' | 'bool' | 'library';

export interface MaskFacts {
  readonly kind: Fact<MaskKind>;
  /** dtype of a float bias (for bias-dtype checks). */
  readonly dtype?: Fact<Dtype>;
  /** Shape of the bias tensor where known; dimensions may be symbolic (`null` = unknown extent). */
  readonly shape?: Fact<readonly (number | null)[]>;
  /** Library class name for `library` masks, e.g. `LowerTriangularMask`. */
  readonly className?: string;
}

/** The number of dims of each of q, k and v. */
export interface QkvRanks {
  readonly q: number;
  readonly k: number;
  readonly v: number;
}

/** Tensor memory layout as the API receives it. */
export type Layout = 'BHLD' | 'BLHD';

/** SDPA's kernels as its switches name them (`SDPBackend.CUDNN_ATTENTION`, `enable_flash_sdp`, …). */
export type SdpaBackend = 'cudnn' | 'flash' | 'efficient' | 'math';

export const SDPA_BACKENDS: readonly SdpaBackend[] = ['cudnn', 'flash', 'efficient', 'math'];

/**
 * PyTorch's SDPA backend switches in force at a call: `torch.nn.attention.sdpa_kernel(…)`,
 * `torch.backends.cuda.enable_*_sdp(…)`, the deprecated `torch.backends.cuda.sdp_kernel(…)`.
 * Each fact's source names the switch and where it is (`` `sdpa_kernel(SDPBackend.MATH)` at train.py:12 ``).
 */
export interface SdpaSwitches {
  /** Whether each backend is enabled; a backend left out is enabled (PyTorch's default). */
  readonly enabled: { readonly [B in SdpaBackend]?: Fact<boolean> };
  /** `sdpa_kernel([...], set_priority=True)`: the order to try backends in; absent = PyTorch's own order. */
  readonly priority?: Fact<readonly SdpaBackend[]>;
}

/** Everything the dispatch policy needs to know about one call. */
export interface CallFacts {
  readonly api: AttentionApi;
  readonly mode: Fact<Mode>;
  readonly dtypes: { readonly q: Fact<Dtype>; readonly k: Fact<Dtype>; readonly v: Fact<Dtype> };
  /** The autocast dtype in force at the call, `null` when provably outside autocast. */
  readonly autocast: Fact<Dtype | null>;
  readonly mask: MaskFacts;
  /** `is_causal=True` (SDPA), `causal=True` (flash-attn), `unidirectional` (runtime). */
  readonly causal: Fact<boolean>;
  /** Dropout probability in force for this mode (0 in inference unless the code forces it). */
  readonly dropout: Fact<number>;
  readonly shape: {
    readonly batch: Fact<number>;
    readonly heads: Fact<number>;
    /** Key/value heads; fewer than `heads` means grouped-query or multi-query attention. */
    readonly kvHeads: Fact<number>;
    readonly seqQ: Fact<number>;
    readonly seqKv: Fact<number>;
    readonly headDim: Fact<number>;
    /** Head dim of v when it differs from q/k's. */
    readonly headDimV: Fact<number>;
    /**
     * Query and key lengths are equal though their values are unknown (the code builds both from one
     * variable, `T` of `B, T, C = x.size()`); absent when the code does not show it.
     */
    readonly sameLength?: Fact<boolean>;
    /**
     * q's heads and k's are equal though their number is unknown (one variable, or one attribute of
     * the module: `.view(B, L, 3, self.num_heads, D)` split into q, k, v); absent when the code does not show it.
     */
    readonly sameHeads?: Fact<boolean>;
    /**
     * How many dims q, k and v have, where the code shows all three: SDPA's fused kernels take 4-D
     * inputs only, and a 3-D call (`(B·H, L, D)`) runs the math kernel. Absent where not shown.
     */
    readonly ranks?: Fact<QkvRanks>;
  };
  readonly layout: Fact<Layout>;
  /** `nn.MultiheadAttention`'s `need_weights` (True by default: the weights are computed explicitly); absent for other APIs. */
  readonly needWeights?: Fact<boolean>;
  /**
   * SDPA's `enable_gqa` keyword (torch ≥ 2.5): k and v may have fewer heads than q. Absent = not passed
   * (False); `kvHeads` then tells whether the heads are grouped.
   */
  readonly enableGqa?: Fact<boolean>;
  /** SDPA's backend switches at the call; absent = PyTorch's defaults (every backend on, its own order). */
  readonly sdpaBackends?: SdpaSwitches;
  /**
   * FlexAttention: whether the call runs under `torch.compile` (fused) or eagerly (PyTorch's unfused
   * reference); absent for other APIs.
   */
  readonly compiled?: Fact<boolean>;
  /** transformers' `from_pretrained`: what it configures; absent for other APIs. */
  readonly transformers?: TransformersLoad;
  /** diffusers' `dispatch_attention_fn`: the backend it calls; absent for other APIs. */
  readonly diffusers?: DiffusersDispatch;
}

/** What decides the backend of a diffusers `dispatch_attention_fn(…)` call. */
export interface DiffusersDispatch {
  /**
   * The `AttentionBackendName` value the call runs (`native`, `flash`, `_native_cudnn`, …): its `backend=`
   * argument, else the active backend (`attention_backend(…)`, `set_attention_backend(…)`), else the default.
   */
  readonly backend: Fact<string>;
  /**
   * Whether diffusers checked the backend's package where it set it: `attention_backend(…)` and
   * `set_attention_backend(…)` call `_check_attention_backend_requirements`, which raises where the
   * package is missing; a `backend=` argument is not checked, and the backend then calls the name
   * diffusers set to None.
   */
  readonly checked: Fact<boolean>;
  /** k's head size (`key.shape[-1]`), as `_check_shape` compares it with q's; absent where the code does not show it. */
  readonly keyHeadDim?: Fact<number>;
  /** k's and v's lengths (`shape[-3]`), as `_check_shape` compares them with each other and with the mask's last dim. */
  readonly keyLength?: Fact<number>;
  readonly valueLength?: Fact<number>;
}

/**
 * What `from_pretrained(…)` sets for every attention layer of the model it loads. The model's dtype
 * (`torch_dtype=` / `dtype=`) is carried as the q, k and v dtypes, since the layers compute in it.
 */
export interface TransformersLoad {
  /** `attn_implementation=`: `flash_attention_2`, `sdpa`, `eager`, …; null when not passed (transformers picks). */
  readonly implementation: Fact<string | null>;
  /** `output_attentions=True`: every layer returns its attention weights. */
  readonly outputAttentions: Fact<boolean>;
  /** Whether `torch_dtype` was passed at all (transformers warns differently when it is not). */
  readonly dtypeGiven: boolean;
  /** The model class transformers' messages name (`LlamaForCausalLM`); null for an Auto class, which the checkpoint resolves. */
  readonly modelClass: string | null;
}

/** Where the call runs and what is installed: settings, not inferred from the code. */
export interface Environment {
  /** `cuda` and `cpu` select PyTorch's policies; `webgpu` and `wasm` the runtime's. */
  readonly device: 'cuda' | 'cpu' | 'webgpu' | 'wasm';
  /** PyTorch version as [major, minor], e.g. [2, 5]. */
  readonly torch: readonly [number, number];
  /** CUDA compute capability as an integer, e.g. 80 for sm80 (A100), 90 for sm90 (H100). */
  readonly sm: number;
  /**
   * cuDNN version as [major, minor], e.g. [9, 16]; it decides whether SDPA tries its cuDNN kernel
   * first on sm90/sm10x. Absent means not stated, which the policy treats as unknown.
   */
  readonly cudnn?: Fact<readonly [number, number]>;
  /** Whether optional libraries are importable; unknown when the user has not said. */
  readonly installed: { readonly flash_attn: Fact<boolean>; readonly xformers: Fact<boolean> };
}
