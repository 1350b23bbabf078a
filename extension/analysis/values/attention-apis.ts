/**
 * The attention APIs the analysis recognises, as data: qualified names, and which positional and
 * keyword arguments carry q, k, v, the mask, dropout and the causal flag.
 */
import type { AttentionApi, Layout } from '../../../runtime/dispatch/facts';

/** flash-attention's functions, every version: no mask argument, (B, L, H, D) inputs. */
export function isFlashAttention(api: AttentionApi): boolean {
  return api.startsWith('flash_attn') || api.startsWith('fa4_');
}

export type ArgRole = 'q' | 'k' | 'v' | 'qkv' | 'kv' | 'mask' | 'keyPaddingMask' | 'dropout' | 'causal' | 'needWeights' | 'gqa'
  | 'attnImplementation' | 'modelDtype' | 'outputAttentions' | 'diffusersBackend';

export interface ApiSpec {
  readonly api: AttentionApi;
  /** Roles of positional arguments in order (`null`: not used by the analysis). */
  readonly positional: readonly (ArgRole | null)[];
  readonly keywords: Readonly<Record<string, ArgRole>>;
  /** Whether the library casts mixed inputs itself under autocast (only SDPA and nn modules do). */
  readonly autocastAware: boolean;
}

const FLASH_KW = { q: 'q', k: 'k', v: 'v', dropout_p: 'dropout', causal: 'causal' } as const;

const SPECS: Readonly<Record<string, ApiSpec>> = {
  scaled_dot_product_attention: {
    api: 'sdpa', positional: ['q', 'k', 'v', 'mask', 'dropout', 'causal'],
    // enable_gqa is keyword-only, after `scale`.
    keywords: { query: 'q', key: 'k', value: 'v', attn_mask: 'mask', dropout_p: 'dropout', is_causal: 'causal', enable_gqa: 'gqa' }, autocastAware: true,
  },
  flash_attn_func: { api: 'flash_attn_func', positional: ['q', 'k', 'v', 'dropout', null, 'causal'], keywords: FLASH_KW, autocastAware: false },
  flash_attn_varlen_func: {
    api: 'flash_attn_varlen_func', positional: ['q', 'k', 'v', null, null, null, null, 'dropout', null, 'causal'], keywords: FLASH_KW, autocastAware: false,
  },
  flash_attn_varlen_qkvpacked_func: {
    api: 'flash_attn_varlen_qkvpacked_func', positional: ['qkv', null, null, 'dropout', null, 'causal'], keywords: { qkv: 'qkv', dropout_p: 'dropout', causal: 'causal' }, autocastAware: false,
  },
  flash_attn_varlen_kvpacked_func: {
    api: 'flash_attn_varlen_kvpacked_func', positional: ['q', 'kv', null, null, null, null, 'dropout', null, 'causal'], keywords: { q: 'q', kv: 'kv', dropout_p: 'dropout', causal: 'causal' }, autocastAware: false,
  },
  flash_attn_qkvpacked_func: {
    api: 'flash_attn_qkvpacked_func', positional: ['qkv', 'dropout', null, 'causal'], keywords: { qkv: 'qkv', dropout_p: 'dropout', causal: 'causal' }, autocastAware: false,
  },
  flash_attn_kvpacked_func: {
    api: 'flash_attn_kvpacked_func', positional: ['q', 'kv', 'dropout', null, 'causal'], keywords: { q: 'q', kv: 'kv', dropout_p: 'dropout', causal: 'causal' }, autocastAware: false,
  },
  flash_attn_with_kvcache: {
    api: 'flash_attn_with_kvcache', positional: ['q', 'k', 'v'], keywords: { q: 'q', k_cache: 'k', v_cache: 'v', causal: 'causal' }, autocastAware: false,
  },
  // (query, key, value, score_mod, block_mask, scale, enable_gqa, …): the block mask is a BlockMask, not a tensor.
  flex_attention: {
    api: 'flex_attention', positional: ['q', 'k', 'v', null, 'mask', null, 'gqa'],
    keywords: { query: 'q', key: 'k', value: 'v', block_mask: 'mask', enable_gqa: 'gqa' }, autocastAware: false,
  },
  memory_efficient_attention: {
    api: 'memory_efficient_attention', positional: ['q', 'k', 'v', 'mask', 'dropout'],
    keywords: { query: 'q', key: 'k', value: 'v', attn_bias: 'mask', p: 'dropout' }, autocastAware: false,
  },
};

/** `nn.MultiheadAttention` module calls: (query, key, value, key_padding_mask, need_weights, attn_mask, …, is_causal). */
export const MULTIHEAD_CALL: ApiSpec = {
  api: 'multihead_attention', positional: ['q', 'k', 'v', 'keyPaddingMask', 'needWeights', 'mask'],
  keywords: { query: 'q', key: 'k', value: 'v', key_padding_mask: 'keyPaddingMask', need_weights: 'needWeights', attn_mask: 'mask', is_causal: 'causal' }, autocastAware: true,
};

/**
 * `nn.TransformerEncoderLayer(src, src_mask, src_key_padding_mask, is_causal)` and
 * `nn.TransformerEncoder(src, mask, src_key_padding_mask, is_causal)`: self-attention through the
 * layer's `nn.MultiheadAttention` (q, k and v are all `src`).
 */
export const ENCODER_LAYER_CALL: ApiSpec = {
  api: 'multihead_attention', positional: ['qkv', 'mask', 'keyPaddingMask', 'causal'],
  keywords: { src: 'qkv', src_mask: 'mask', src_key_padding_mask: 'keyPaddingMask', is_causal: 'causal' }, autocastAware: true,
};
export const ENCODER_CALL: ApiSpec = { ...ENCODER_LAYER_CALL, keywords: { ...ENCODER_LAYER_CALL.keywords, mask: 'mask' } };

/**
 * `nn.TransformerDecoderLayer` / `nn.TransformerDecoder(tgt, memory, tgt_mask, memory_mask,
 * tgt_key_padding_mask, memory_key_padding_mask, tgt_is_causal, memory_is_causal)`: two attentions
 * of the layer, self-attention on `tgt` and cross-attention from the layer's own query onto `memory`
 * (k and v; the query is not written at the call, nn-modules.ts supplies it).
 */
export const DECODER_SELF_CALL: ApiSpec = {
  api: 'multihead_attention', positional: ['qkv', null, 'mask', null, 'keyPaddingMask', null, 'causal'],
  keywords: { tgt: 'qkv', tgt_mask: 'mask', tgt_key_padding_mask: 'keyPaddingMask', tgt_is_causal: 'causal' }, autocastAware: true,
};
export const DECODER_CROSS_CALL: ApiSpec = {
  api: 'multihead_attention', positional: [null, 'kv', null, 'mask', null, 'keyPaddingMask', null, 'causal'],
  keywords: { memory: 'kv', memory_mask: 'mask', memory_key_padding_mask: 'keyPaddingMask', memory_is_causal: 'causal' }, autocastAware: true,
};

const QKV_CAUSAL_KW = { q: 'q', k: 'k', v: 'v', causal: 'causal' } as const;

/** flash-attention 3 (`flash_attn_interface`, hopper/flash_attn_interface.py): no dropout argument. */
const FLASH_ATTN_3: Readonly<Record<string, ApiSpec>> = {
  flash_attn_func: { api: 'flash_attn3_func', positional: ['q', 'k', 'v', null, 'causal'], keywords: QKV_CAUSAL_KW, autocastAware: false },
  flash_attn_varlen_func: {
    api: 'flash_attn3_varlen_func', positional: ['q', 'k', 'v', null, null, null, null, null, null, null, 'causal'], keywords: QKV_CAUSAL_KW, autocastAware: false,
  },
};

/** flash-attention 4 (`flash_attn.cute`, flash_attn/cute/interface.py at fa4-v4.0.0.beta27): no dropout argument. */
const FLASH_ATTN_4: Readonly<Record<string, ApiSpec>> = {
  flash_attn_func: { api: 'fa4_func', positional: ['q', 'k', 'v', null, null, null, 'causal'], keywords: QKV_CAUSAL_KW, autocastAware: false },
  flash_attn_varlen_func: {
    api: 'fa4_varlen_func', positional: ['q', 'k', 'v', null, null, null, null, null, null, null, null, null, null, null, 'causal'], keywords: QKV_CAUSAL_KW, autocastAware: false,
  },
};

/** The flash-attention version a module path names: `flash_attn.cute…` is 4, `flash_attn_interface` / `flash_attn_3` 3. */
function flashAttnVersion(parts: readonly string[]): Readonly<Record<string, ApiSpec>> | undefined {
  if (parts[0] === 'flash_attn') return parts[1] === 'cute' ? FLASH_ATTN_4 : SPECS;
  return parts[0] === 'flash_attn_interface' || parts[0] === 'flash_attn_3' ? FLASH_ATTN_3 : undefined;
}

/**
 * transformers' `<ModelClass>.from_pretrained(…)` and `.from_config(config, …)`: configuration points, not
 * calls of attention. Their dtype keyword is `torch_dtype`, renamed `dtype` in later releases; both are read.
 */
const FROM_PRETRAINED: ApiSpec = {
  api: 'from_pretrained', positional: [],
  keywords: { attn_implementation: 'attnImplementation', torch_dtype: 'modelDtype', dtype: 'modelDtype', output_attentions: 'outputAttentions' }, autocastAware: false,
};

/**
 * diffusers' `dispatch_attention_fn(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa,
 * attention_kwargs, *, backend, parallel_config)` (models/attention_dispatch.py at 58eb52c0); q, k, v are (B, L, H, D).
 */
export const DISPATCH_ATTENTION_FN: ApiSpec = {
  api: 'dispatch_attention_fn', positional: ['q', 'k', 'v', 'mask', 'dropout', 'causal', null, 'gqa'],
  keywords: { query: 'q', key: 'k', value: 'v', attn_mask: 'mask', dropout_p: 'dropout', is_causal: 'causal', enable_gqa: 'gqa', backend: 'diffusersBackend' },
  // Its default backend is SDPA, which autocast casts for.
  autocastAware: true,
};

/** Whether a module's dotted name is diffusers' dispatcher module (`diffusers.models.attention_dispatch`). */
function isDiffusersDispatchModule(dotted: string): boolean {
  return dotted === 'attention_dispatch' || dotted.endsWith('.attention_dispatch');
}

/**
 * The attention API a workspace function stands for: diffusers' own tree analysed defines
 * `dispatch_attention_fn` in `attention_dispatch.py` (id `…/attention_dispatch.py:dispatch_attention_fn`);
 * its calls are read as the API's, not run through its registry.
 */
export function workspaceApiOf(fnId: string): ApiSpec | undefined {
  return /(^|[/\\])attention_dispatch\.py:dispatch_attention_fn$/.test(fnId) ? DISPATCH_ATTENTION_FN : undefined;
}

/** The attention API a qualified name denotes, e.g. `torch.nn.functional.scaled_dot_product_attention`. */
export function attentionApiOf(qualified: string): ApiSpec | undefined {
  const parts = qualified.split('.');
  const last = parts[parts.length - 1];
  const root = parts[0];
  if (last === 'scaled_dot_product_attention') return root === 'torch' ? SPECS[last] : undefined;
  if (last.startsWith('flash_attn_')) return flashAttnVersion(parts)?.[last];
  if (last === 'memory_efficient_attention') return root === 'xformers' ? SPECS[last] : undefined;
  if (last === 'flex_attention') return qualified === 'torch.nn.attention.flex_attention.flex_attention' ? SPECS[last] : undefined;
  // A relative import the files do not resolve (`from ..attention_dispatch import …` in a file copied out of diffusers) names diffusers' module too.
  if (last === 'dispatch_attention_fn') return (root === 'diffusers' || root === '') && isDiffusersDispatchModule(parts.slice(0, -1).join('.')) ? DISPATCH_ATTENTION_FN : undefined;
  // A model class (`AutoModelForCausalLM`, `LlamaModel`, `GPT2LMHeadModel`), not `AutoTokenizer` or `AutoConfig`;
  // `from_config(config, …)` builds one from a config and takes the same keywords (`_from_config`).
  if (last === 'from_pretrained' || last === 'from_config') return root === 'transformers' && /Model|For[A-Z]/.test(parts[parts.length - 2] ?? '') ? FROM_PRETRAINED : undefined;
  return undefined;
}

/** The layout each API expects of 4-D q, k, v. */
export const API_LAYOUT: Readonly<Record<AttentionApi, Layout | null>> = {
  sdpa: 'BHLD', flash_attn_func: 'BLHD', flash_attn_varlen_func: null, flash_attn_varlen_qkvpacked_func: null, flash_attn_varlen_kvpacked_func: null, flash_attn_qkvpacked_func: 'BLHD', flash_attn_kvpacked_func: 'BLHD',
  flash_attn_with_kvcache: 'BLHD', memory_efficient_attention: 'BLHD', multihead_attention: null, manual: 'BHLD', runtime: 'BHLD', from_pretrained: null, flex_attention: 'BHLD', dispatch_attention_fn: 'BLHD',
  flash_attn3_func: 'BLHD', flash_attn3_varlen_func: null, fa4_func: 'BLHD', fa4_varlen_func: null,
};
