/** The CLI's error messages on stderr. */
import { escapeControls } from './format/control-characters';

/**
 * Writes an error: `line` in full, then `rest` (the tool's own usage or a stack, several lines).
 * Messages quote what the user gave (paths, flag values, pyproject.toml values), so their control
 * characters are escaped as in every output format: an ESC or a carriage return in a file name does
 * not reach the terminal raw, and a newline in one cannot pose as a line of its own.
 */
export function printError(line: string, rest = ''): void {
  process.stderr.write(`${escapeControls(line)}\n${escapeControls(rest, { keepNewlines: true })}`);
}
