/**
 * `[tool.attnlens]` in pyproject.toml: what the code cannot say about where it runs (autocast,
 * installed libraries, PyTorch version, GPU, target GPU of the estimate) and which files `check`
 * reads. The nearest pyproject.toml with that table above a file applies to it; command-line flags
 * and editor settings override it. docs/check.md documents the keys.
 */
import type { AnalysisSettings } from '../analysis/report';
import { readTomlTable, TomlError, type TomlEntry, type TomlValue } from './toml-table';

export const TABLE = 'tool.attnlens';

const AUTOCAST = ['float16', 'bfloat16', 'float32', 'float64', 'off', 'unknown'] as const;
const LIBRARIES = ['flash_attn', 'xformers'] as const;
const DEVICES = ['cuda', 'cpu'] as const;
/** The roofline's GPUs (extension/server/roofline.ts GPU_NAMES), or none. */
const TARGETS = ['none', 'H100', 'A100', 'RTX 4090', 'L4', 'T4'] as const;

export interface ProjectConfig {
  /** The pyproject.toml it was read from. */
  readonly file: string;
  readonly autocast?: AnalysisSettings['autocast'];
  /** The libraries listed are installed, the others are not. */
  readonly installed?: AnalysisSettings['installed'];
  readonly torch?: AnalysisSettings['torch'];
  /** CUDA compute capability, e.g. 90. */
  readonly gpu?: number;
  readonly device?: AnalysisSettings['device'];
  readonly target?: (typeof TARGETS)[number];
  /** Globs relative to the file's folder: a directory walk reads only matching files… */
  readonly include?: readonly string[];
  /** …and none matching these. */
  readonly exclude?: readonly string[];
}

/** A bad `[tool.attnlens]`: the message names the file, the line and the key. */
export class ProjectConfigError extends Error {
  override readonly name = 'ProjectConfigError';
}

type Parsers = { readonly [K in Exclude<keyof ProjectConfig, 'file'>]-?: (value: TomlValue) => NonNullable<ProjectConfig[K]> };

const PARSERS: Parsers = {
  autocast: (v) => choice(v, AUTOCAST),
  installed: (v) => {
    const listed = stringList(v).map((name) => choice(name, LIBRARIES));
    return { flash_attn: listed.includes('flash_attn'), xformers: listed.includes('xformers') };
  },
  torch: (v) => {
    const match = typeof v === 'string' ? /^(\d+)\.(\d+)(\.\d+)?$/.exec(v) : null;
    if (match === null) throw new Error(`${show(v)} is not a version like "2.5"`);
    return [Number(match[1]), Number(match[2])];
  },
  gpu: (v) => {
    const match = /^(?:sm_?)?(\d{2,3})$/i.exec(String(v));
    if (match === null || (typeof v !== 'string' && typeof v !== 'number')) throw new Error(`${show(v)} is not a compute capability like "sm90" or 90`);
    return Number(match[1]);
  },
  device: (v) => choice(v, DEVICES),
  target: (v) => choice(v, TARGETS),
  include: stringList,
  exclude: stringList,
};

/** The `[tool.attnlens]` table of a pyproject.toml's text; undefined when it has none. */
export function parseProjectConfig(file: string, text: string): ProjectConfig | undefined {
  let table: Map<string, TomlEntry> | undefined;
  try {
    table = readTomlTable(text, TABLE);
  } catch (err) {
    if (err instanceof TomlError) throw new ProjectConfigError(`${file}: [${TABLE}] ${err.message}`);
    throw err;
  }
  if (table === undefined) return undefined;
  const config: Record<string, unknown> = { file };
  for (const [key, { value, line }] of table) {
    const parse = (PARSERS as Record<string, (value: TomlValue) => unknown>)[key];
    if (parse === undefined) throw new ProjectConfigError(`${file}: line ${line}: [${TABLE}] has no key '${key}' (known: ${Object.keys(PARSERS).join(', ')})`);
    try {
      config[key] = parse(value);
    } catch (err) {
      throw new ProjectConfigError(`${file}: line ${line}: [${TABLE}] ${key}: ${(err as Error).message}`);
    }
  }
  return config as unknown as ProjectConfig;
}

/** The analysis settings the table states, over `base`. */
export function projectAnalysisSettings(config: ProjectConfig | undefined, base: AnalysisSettings): AnalysisSettings {
  if (config === undefined) return base;
  return {
    autocast: config.autocast ?? base.autocast,
    installed: config.installed ?? base.installed,
    torch: config.torch ?? base.torch,
    sm: config.gpu ?? base.sm,
    device: config.device ?? base.device,
    assumeInputs: base.assumeInputs,
  };
}

function choice<T extends string>(value: TomlValue, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`${show(value)} is not one of ${allowed.join(', ')}`);
}

function stringList(value: TomlValue): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new Error(`${show(value)} is not a list of strings`);
  return value as string[];
}

function show(value: TomlValue): string {
  return JSON.stringify(value);
}
