/**
 * `attnlens`: the command-line face. argv → one subcommand from the table; exit codes like
 * other linters: 0 fine, 1 findings or failures, 2 usage or internal error.
 */
import { version } from '../../package.json';
import { bench, BENCH_USAGE } from './bench';
import { check } from './check';
import { CHECK_USAGE } from './check-options';
import { doctor, DOCTOR_USAGE } from './doctor';
import { lsp, LSP_USAGE } from './lsp';
import { UsageError } from './args';
import { printError } from './print-error';

/** A subcommand takes its own arguments and resolves to the process exit code. */
export type Command = (args: string[]) => Promise<number>;

interface CommandEntry {
  readonly summary: string;
  /** What `attnlens <command> --help` prints. */
  readonly usage: () => string;
  readonly run: Command;
}

const COMMANDS: Record<string, CommandEntry> = {
  check: { summary: 'analyse the attention calls in Python files', usage: () => CHECK_USAGE, run: check },
  help: { summary: 'show this help', usage, run: async () => { process.stdout.write(usage()); return 0; } },
  version: { summary: 'print the version', usage: () => 'usage: attnlens version\n', run: async () => { process.stdout.write(`${version}\n`); return 0; } },
  bench: { summary: 'time the attention kernels, with parity against a float64 reference', usage: () => BENCH_USAGE, run: bench },
  doctor: { summary: 'which providers work here, the adapter, which kernels pass parity', usage: () => DOCTOR_USAGE, run: doctor },
  lsp: { summary: 'run the language server (--stdio or --node-ipc)', usage: () => LSP_USAGE, run: lsp },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: attnlens <command> [options]\n\ncommands:\n${rows.join('\n')}\n\nattnlens <command> --help describes one command.\n`;
}

/** `--help` or `-h` anywhere among a command's arguments asks for its usage, whatever else is there. */
function asksForHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

/** `attnlens --help` and `attnlens --version` as most command-line tools take them. */
const FLAG_COMMANDS: Readonly<Record<string, string>> = { '--help': 'help', '-h': 'help', '--version': 'version' };

export async function main(argv: string[]): Promise<number> {
  const [given = 'help', ...rest] = argv;
  const name = FLAG_COMMANDS[given] ?? given;
  const entry = COMMANDS[name];
  if (entry === undefined) {
    printError(`attnlens: unknown command '${name}'`, `\n${usage()}`);
    return 2;
  }
  if (asksForHelp(rest)) {
    process.stdout.write(entry.usage());
    return 0;
  }
  try {
    return await entry.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      printError(`attnlens ${name}: ${err.message}`);
      return 2;
    }
    printError(`attnlens ${name}: internal error`, `${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return 2;
  }
}
