/** `attnlens check` arguments → a typed options object (pure; errors name the bad flag). */
import type { AnalysisSettings } from '../analysis/report';
import { parseChoice, parseCommandLine, UsageError } from './args';
import { flagSettings, SETTINGS_OPTIONS, SETTINGS_USAGE } from './settings-flags';

export const OUTPUT_FORMATS = ['text', 'json', 'sarif'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface CheckOptions {
  readonly paths: readonly string[];
  readonly format: OutputFormat;
  /** `--color` / `--no-color`; undefined leaves it to the terminal and NO_COLOR. */
  readonly color: boolean | undefined;
  /** What the flags state; pyproject.toml's [tool.attnlens] and the defaults fill in the rest per file. */
  readonly settings: Partial<AnalysisSettings>;
}

export const CHECK_USAGE = `usage: attnlens check PATH... [options]

Analyses the PyTorch attention calls in PATH (files, or directories searched for *.py and *.ipynb;
in a directory walk, [tool.attnlens] include/exclude of the nearest pyproject.toml select the files).
A notebook's code cells are analysed as one module; its positions read cell N:line:column.

options:
  --format text|json|sarif   output format (default text)
  --color, --no-color        force or suppress colour (default: colour on a terminal unless NO_COLOR is set)
${SETTINGS_USAGE}
exit codes: 0 no error-severity findings, 1 error-severity findings or parse errors, 2 usage or internal error
`;

const CHECK_OPTIONS = {
  ...SETTINGS_OPTIONS,
  format: { type: 'string' },
  color: { type: 'boolean' },
} as const;

export function parseCheckArgs(args: readonly string[]): CheckOptions {
  const { values, positionals } = parseCommandLine(args, CHECK_OPTIONS);
  if (positionals.length === 0) throw new UsageError('no PATH given: name the files or directories to check');
  return {
    paths: positionals,
    format: values.format === undefined ? 'text' : parseChoice('format', values.format, OUTPUT_FORMATS),
    color: values.color,
    settings: flagSettings(values),
  };
}
