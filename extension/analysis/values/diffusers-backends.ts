/**
 * diffusers' attention backends as values name them: a string (`"flash"`), an `AttentionBackendName`
 * member (`AttentionBackendName._NATIVE_CUDNN`), or `None` (the active backend); and the default.
 */
import { known, unknown, type Fact, type KnownFact } from '../../../runtime/dispatch/facts';
import { describe, type Value } from './values';

/** The backend where the code sets none: `DIFFUSERS_ATTN_BACKEND`'s default (utils/constants.py at diffusers 58eb52c0), an environment variable the code does not show. */
export const DEFAULT_DIFFUSERS_BACKEND: KnownFact<string> = known('native', 'diffusers\' default backend, DIFFUSERS_ATTN_BACKEND unset');

const MEMBER = /(?:^|\.)AttentionBackendName\.(\w+)$/;

/**
 * `AttentionBackendName.FLASH` → `flash`: each member's value is its name in lower case. Imported from
 * diffusers it is a library name; in diffusers' own tree the enum is a workspace class, read as written.
 */
function enumMember(v: Value, written: string | undefined): string | undefined {
  const name = v.t === 'ref' ? v.name : written;
  return name ? MEMBER.exec(name)?.[1]?.toLowerCase() : undefined;
}

/**
 * The backend a value names, with `source` for where; undefined for `None` (the active backend). `lower`:
 * as `set_attention_backend` lowers it; `written`: the argument's text.
 */
export function backendOf(v: Value, source: string, lower = false, written?: string): Fact<string> | undefined {
  if (v.t === 'none') return undefined;
  if (v.t === 'str') return known(lower ? v.value.toLowerCase() : v.value, source);
  const member = enumMember(v, written);
  if (member) return known(member, source);
  return unknown(v.t === 'unknown' ? v.why : `the backend ${describe(v)}`);
}
