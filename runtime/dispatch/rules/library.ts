/** Conditions shared by the policies of optional libraries (flash-attn, xformers). */
import { need, OK, raises, type Condition } from '../check';
import type { Environment } from '../facts';

/** Raises the import error when the library is not installed; depends when the user has not said. */
export function installed(library: keyof Environment['installed'], message: string): Condition {
  return (c) => need([c.env.installed[library]], (yes) => (yes ? OK : raises(message, `${library} not installed`)));
}
