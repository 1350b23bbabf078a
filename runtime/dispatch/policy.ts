/**
 * decide(): CallFacts → Decision. Pure: no I/O, no onnxruntime-web import.
 * The API and the device select one policy (rules/); the engine runs it.
 */
import type { KernelCapability } from './capabilities';
import { buildContext, torchAtLeast, type CallContext } from './context';
import type { Decision } from './decision';
import { evaluate, type Policy } from './engine';
import type { CallFacts, Environment, LibraryApi } from './facts';
import { diffusersDispatch } from './rules/diffusers';
import { FLASH_ATTN } from './rules/flash-attn';
import { FLASH_ATTN_3 } from './rules/flash-attn-3';
import { FLASH_ATTN_4 } from './rules/flash-attn-4';
import { FLEX_ATTENTION } from './rules/flex-attention';
import { manual } from './rules/manual';
import { multiheadAttention } from './rules/multihead-attention';
import { SDPA_CPU } from './rules/sdpa-cpu';
import { SDPA_CUDA } from './rules/sdpa-cuda';
import { TRANSFORMERS } from './rules/transformers';
import { WEB } from './rules/web';
import { XFORMERS } from './rules/xformers';

const sdpaFor = (env: Environment): Policy => (env.device === 'cuda' ? SDPA_CUDA : SDPA_CPU);

/** The same call through SDPA: what a hand-written attention would get by switching. */
const viaSdpa = (c: CallContext): Decision => decide({ ...c.facts, api: 'sdpa' }, c.env, c.web);

/** dispatch_attention_fn has none of its own: the backend it calls names the library whose policy decides. */
const POLICIES: Record<LibraryApi, (env: Environment) => Policy> = {
  sdpa: sdpaFor,
  flash_attn_func: () => FLASH_ATTN,
  flash_attn_varlen_func: () => FLASH_ATTN,
  flash_attn_varlen_qkvpacked_func: () => FLASH_ATTN,
  flash_attn_varlen_kvpacked_func: () => FLASH_ATTN,
  flash_attn_qkvpacked_func: () => FLASH_ATTN,
  flash_attn_kvpacked_func: () => FLASH_ATTN,
  flash_attn_with_kvcache: () => FLASH_ATTN,
  flash_attn3_func: () => FLASH_ATTN_3,
  flash_attn3_varlen_func: () => FLASH_ATTN_3,
  fa4_func: () => FLASH_ATTN_4,
  fa4_varlen_func: () => FLASH_ATTN_4,
  memory_efficient_attention: () => XFORMERS,
  multihead_attention: (env) => multiheadAttention(sdpaFor(env)),
  manual: () => manual(viaSdpa),
  from_pretrained: () => TRANSFORMERS,
  flex_attention: () => FLEX_ATTENTION,
  runtime: () => WEB,
};

export function decide(facts: CallFacts, env: Environment, web: readonly KernelCapability[] = []): Decision {
  if (facts.api === 'dispatch_attention_fn') {
    // diffusers' backend names the library it calls; that library's policy decides, on the facts it sees.
    const outer = buildContext(facts, env, web, false);
    const routed = diffusersDispatch(outer, (api, inner) => POLICIES[api](inner), torchAtLeast(env, 2, 5));
    return evaluate(routed.policy, buildContext(routed.facts, routed.env, web, routed.policy.autocastAware));
  }
  const select = Object.prototype.hasOwnProperty.call(POLICIES, facts.api) ? POLICIES[facts.api] : undefined;
  if (!select) throw new RangeError(`decide: facts.api must be one of ${Object.keys(POLICIES).join(', ')}, dispatch_attention_fn; got ${String(facts.api)}`);
  const policy = select(env);
  return evaluate(policy, buildContext(facts, env, web, policy.autocastAware));
}
