/**
 * Source files and their paths may hold control characters: an ESC that a terminal would obey, a
 * BEL, a carriage return that overwrites the line, or a bidirectional override that reorders what
 * the reader sees (Trojan Source). They reach `check`'s output through paths, quoted code and parse
 * errors, so every format escapes them: text visibly (`\x1b`, `\u202e`), JSON losslessly.
 */

/** DEL, C1 controls, the line and paragraph separators and the bidirectional formatting characters: what JSON.stringify leaves raw. */
const BEYOND_C0 = '\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069';
const CONTROL = new RegExp(`[\\u0000-\\u001f${BEYOND_C0}]`, 'gu');
const CONTROL_BUT_NEWLINE = new RegExp(`[\\u0000-\\u0009\\u000b-\\u001f${BEYOND_C0}]`, 'gu');
const JSON_RAW_CONTROL = new RegExp(`[${BEYOND_C0}]`, 'gu');

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with each control character written as its escape. `keepNewlines` is for the tool's own
 * multi-line messages, whose continuation lines the caller indents (so they cannot pose as a line
 * of their own).
 */
export function escapeControls(text: string, options: { readonly keepNewlines?: boolean } = {}): string {
  return text.replace(options.keepNewlines === true ? CONTROL_BUT_NEWLINE : CONTROL, visible);
}

/**
 * JSON text whose strings hold no raw control character: JSON.stringify already escapes C0; this
 * escapes the rest as `\uXXXX`, which parses back to the same string.
 */
export function escapeJsonControls(json: string): string {
  return json.replace(JSON_RAW_CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
