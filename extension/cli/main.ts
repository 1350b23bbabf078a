/**
 * `attnlens`: the command-line face. argv → one subcommand from the table; exit codes like
 * other linters: 0 fine, 1 findings or failures, 2 usage or internal error.
 */
import { version } from '../../package.json';
import { bench } from './bench';
import { check } from './check';
import { doctor } from './doctor';
import { lsp } from './lsp';
import { UsageError } from './args';

/** A subcommand takes its own arguments and resolves to the process exit code. */
export type Command = (args: string[]) => Promise<number>;

interface CommandEntry {
  readonly summary: string;
  readonly run: Command;
}

const COMMANDS: Record<string, CommandEntry> = {
  check: { summary: 'analyse the attention calls in Python files (attnlens check --help)', run: check },
  help: { summary: 'show this help', run: async () => { process.stdout.write(usage()); return 0; } },
  version: { summary: 'print the version', run: async () => { process.stdout.write(`${version}\n`); return 0; } },
  bench: { summary: 'time the attention kernels, with parity against a float64 reference (--help)', run: bench },
  doctor: { summary: 'which providers work here, the adapter, which kernels pass parity', run: doctor },
  lsp: { summary: 'run the language server (--stdio or --node-ipc)', run: lsp },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: attnlens <command> [options]\n\ncommands:\n${rows.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name = 'help', ...rest] = argv;
  const entry = COMMANDS[name];
  if (entry === undefined) {
    process.stderr.write(`attnlens: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await entry.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`attnlens ${name}: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`attnlens ${name}: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return 2;
  }
}
