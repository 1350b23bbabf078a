/**
 * The server's settings: one schema (the only list of `attnlens.*` keys, which package.json's
 * `contributes.configuration` must match; a test checks it) and `resolveSettings(raw)`, which turns
 * raw client options into typed settings. Bad values fall back to the default with a warning that
 * names the key, so a typo never stops the annotations.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Dtype } from '../../runtime/dispatch/facts';
import type { ProviderName } from '../../runtime/dispatch/capabilities';
import type { AnalysisSettings } from '../analysis/report';
import { GPU_NAMES, type GpuName } from './roofline';
import { SHAPE_PROFILE_NAMES, type ShapeProfileName } from './shape-profile';

/** One setting as JSON schema (the subset VS Code's settings UI and this resolver use). */
export interface SettingSpec {
  readonly type: 'string' | 'boolean' | 'number' | 'array';
  readonly default: unknown;
  readonly description: string;
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly items?: { readonly type: 'string'; readonly enum: readonly string[] };
}

const LIBRARY_STATES = ['unknown', 'installed', 'missing'] as const;
type LibraryState = (typeof LIBRARY_STATES)[number];
const AUTOCAST = ['unknown', 'off', 'float16', 'bfloat16', 'float32', 'float64'] as const;
const PROVIDERS: readonly ProviderName[] = ['webgpu', 'wasm'];

/** Keys are relative to the `attnlens` section; dots are nesting, as VS Code sends them. */
export const SETTINGS_SCHEMA = {
  'annotations.enabled': { type: 'boolean', default: true, description: 'Show Attention Lens diagnostics, code lenses and hovers.' },
  'inlayHints.enabled': { type: 'boolean', default: false, description: 'Show the inferred dtypes of q, k and v as inlay hints at each attention call.' },
  autocast: { type: 'string', enum: AUTOCAST, default: 'unknown', description: 'Autocast dtype assumed where the code shows no autocast region: `unknown` evaluates each case (none, float16, bfloat16) and gives the verdict per case where they differ, `off` assumes none.' },
  'libraries.flashAttn': { type: 'string', enum: LIBRARY_STATES, default: 'unknown', description: 'Whether flash_attn is installed where the code runs.' },
  'libraries.xformers': { type: 'string', enum: LIBRARY_STATES, default: 'unknown', description: 'Whether xformers is installed where the code runs.' },
  torchVersion: { type: 'string', pattern: '^\\d+\\.\\d+$', default: '2.5', description: 'PyTorch version (major.minor) whose dispatch rules apply.' },
  device: { type: 'string', enum: ['cuda', 'cpu'], default: 'cuda', description: 'Device the code runs on: selects PyTorch\'s CUDA or CPU attention policy.' },
  assumeInputs: { type: 'string', enum: ['float32-params', 'none'], default: 'float32-params', description: 'Inputs of a module\'s forward that no code in the files calls: `float32-params` assumes floating tensors of the module\'s parameter dtype (stated as an assumption), `none` leaves them unknown.' },
  gpuArch: { type: 'number', minimum: 50, maximum: 130, default: 80, description: 'CUDA compute capability of the GPU the code runs on, e.g. 80 for A100, 86 for RTX 30xx, 90 for H100, 100 for B200, 120 for RTX 50xx.' },
  targetGpu: { type: 'string', enum: ['none', ...GPU_NAMES], default: 'H100', description: 'GPU for the roofline latency estimate in the hover.' },
  targetEfficiency: { type: 'number', minimum: 0.01, maximum: 1, default: 0.6, description: 'Fraction of the target GPU\'s peak assumed by the roofline estimate.' },
  shapeProfile: { type: 'string', enum: SHAPE_PROFILE_NAMES, default: 'small', description: 'Shapes assumed where the code does not establish them (see docs/extension.md).' },
  providers: { type: 'array', items: { type: 'string', enum: PROVIDERS }, default: ['webgpu', 'wasm'], description: 'Runtime providers to measure on, in order of preference.' },
  'measurement.enabled': { type: 'boolean', default: true, description: 'Measure each call\'s latency in the runtime worker.' },
  'measurement.maxMillis': { type: 'number', minimum: 100, maximum: 600000, default: 20000, description: 'Longest a single measurement may run before it is cancelled and reported unavailable.' },
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS_SCHEMA;

export interface ServerSettings {
  readonly annotations: boolean;
  readonly inlayHints: boolean;
  readonly analysis: AnalysisSettings;
  readonly targetGpu: GpuName | null;
  readonly targetEfficiency: number;
  readonly shapeProfile: ShapeProfileName;
  readonly providers: readonly ProviderName[];
  readonly measurement: { readonly enabled: boolean; readonly maxMillis: number };
}

export interface ResolvedSettings {
  readonly settings: ServerSettings;
  /** One line per rejected value, naming the key. */
  readonly warnings: readonly string[];
}

/** Raw options (initializationOptions or the `attnlens` configuration section) → settings. */
export function resolveSettings(raw: unknown): ResolvedSettings {
  const warnings: string[] = [];
  const values = new Map<SettingKey, unknown>();
  for (const key of Object.keys(SETTINGS_SCHEMA) as SettingKey[]) {
    const spec: SettingSpec = SETTINGS_SCHEMA[key];
    const value = lookup(raw, key);
    const problem = value === undefined || value === null ? null : validate(spec, value);
    if (problem !== null) warnings.push(`attnlens.${key}: ${problem}; using ${JSON.stringify(spec.default)}`);
    values.set(key, value === undefined || value === null || problem !== null ? spec.default : value);
  }
  const get = (key: SettingKey): unknown => values.get(key);
  const [major, minor] = (get('torchVersion') as string).split('.').map(Number) as [number, number];
  const targetGpu = get('targetGpu') as GpuName | 'none';
  const settings: ServerSettings = {
    annotations: get('annotations.enabled') as boolean,
    inlayHints: get('inlayHints.enabled') as boolean,
    analysis: {
      autocast: get('autocast') as Dtype | 'off' | 'unknown',
      installed: { flash_attn: libraryState(get('libraries.flashAttn') as LibraryState), xformers: libraryState(get('libraries.xformers') as LibraryState) },
      torch: [major, minor],
      sm: get('gpuArch') as number,
      device: get('device') as 'cuda' | 'cpu',
      assumeInputs: get('assumeInputs') as 'none' | 'float32-params',
    },
    targetGpu: targetGpu === 'none' ? null : targetGpu,
    targetEfficiency: get('targetEfficiency') as number,
    shapeProfile: get('shapeProfile') as ShapeProfileName,
    providers: dedupe(get('providers') as ProviderName[]),
    measurement: { enabled: get('measurement.enabled') as boolean, maxMillis: get('measurement.maxMillis') as number },
  };
  return { settings, warnings };
}

export const DEFAULT_SETTINGS: ServerSettings = resolveSettings({}).settings;

/**
 * The editor's options over the project's ([tool.attnlens]), as flat keys. An editor value counts
 * where it differs from the default: workspace/configuration answers the default for a key nobody
 * set, so a value equal to it cannot be told from one left alone.
 */
export function layerOptions(editor: unknown, project: Partial<Record<SettingKey, unknown>>): Record<string, unknown> {
  const layered: Record<string, unknown> = {};
  for (const key of Object.keys(SETTINGS_SCHEMA) as SettingKey[]) {
    const own = lookup(editor, key);
    const unset = own === undefined || own === null || isDeepStrictEqual(own, SETTINGS_SCHEMA[key].default);
    layered[key] = unset && project[key] !== undefined ? project[key] : own;
  }
  return layered;
}

function libraryState(state: LibraryState): boolean | null {
  return state === 'unknown' ? null : state === 'installed';
}

function dedupe<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** Reads `a.b` from `{a: {b}}`, or from a flat `{"a.b": …}` as some clients send it. */
function lookup(raw: unknown, key: string): unknown {
  if (!isRecord(raw)) return undefined;
  if (key in raw) return raw[key];
  let node: unknown = raw;
  for (const part of key.split('.')) {
    if (!isRecord(node)) return undefined;
    node = node[part];
  }
  return node;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Why `value` does not fit `spec`, or null when it does. */
function validate(spec: SettingSpec, value: unknown): string | null {
  switch (spec.type) {
    case 'boolean':
      return typeof value === 'boolean' ? null : `expected true or false, got ${JSON.stringify(value)}`;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `expected a number, got ${JSON.stringify(value)}`;
      if (spec.minimum !== undefined && value < spec.minimum) return `${value} is below the minimum ${spec.minimum}`;
      if (spec.maximum !== undefined && value > spec.maximum) return `${value} is above the maximum ${spec.maximum}`;
      return null;
    case 'string':
      if (typeof value !== 'string') return `expected a string, got ${JSON.stringify(value)}`;
      if (spec.enum !== undefined && !spec.enum.includes(value)) return `'${value}' is not one of ${spec.enum.join(', ')}`;
      if (spec.pattern !== undefined && !new RegExp(spec.pattern).test(value)) return `'${value}' does not match ${spec.pattern}`;
      return null;
    case 'array': {
      const allowed = spec.items?.enum ?? [];
      if (!Array.isArray(value)) return `expected a list, got ${JSON.stringify(value)}`;
      const bad = value.filter((v) => typeof v !== 'string' || !allowed.includes(v));
      if (bad.length > 0) return `${JSON.stringify(bad)} not among ${allowed.join(', ')}`;
      return value.length === 0 ? 'the list is empty' : null;
    }
  }
}
