/**
 * The language server's stderr as log lines at a level. Dawn (WebGPU) writes what it finds at
 * start-up there, each message followed by the line of Dawn's source that emitted it
 * (`Warning: Couldn't load Vulkan: …` / `    at operator() (…/dawn/native/vulkan/BackendVk.cpp:368)`),
 * sometimes after messages of the Vulkan loader it relays under the same `Warning: ` prefix without
 * a source line of their own (`Warning: vkCreateInstance: Found no drivers!`): that is debug
 * information, not an error of the extension. Anything else on stderr (a crash, a Node warning) is an error.
 */
export type StderrLevel = 'debug' | 'error';

/** The line Dawn adds after each of its messages. */
const DAWN_SOURCE_LINE = /^\s+at .*[\\/]dawn[\\/]/;
/** How Dawn's log starts a message (dawn/common/Log.cpp's severities). */
const DAWN_MESSAGE = /^(Debug|Info|Warning): /;

export interface StderrSorter {
  line(text: string): void;
  /** The stream ended: the held lines go out. */
  end(): void;
}

/**
 * Holds lines until one shows whether Dawn emitted them: a Dawn source line claims the line before it
 * and the run of Dawn-prefixed messages before that; blank lines go to debug.
 */
export function sortStderr(emit: (level: StderrLevel, text: string) => void): StderrSorter {
  let held: string[] = [];
  const release = (level: StderrLevel) => {
    for (const text of held) emit(text.trim() === '' ? 'debug' : level, text);
    held = [];
  };
  return {
    line(text) {
      if (DAWN_SOURCE_LINE.test(text)) {
        release('debug');
        emit('debug', text);
        return;
      }
      // A Dawn-prefixed message joins a run of them; anything else ends what was held.
      if (!(DAWN_MESSAGE.test(text) && held.every((h) => DAWN_MESSAGE.test(h)))) release('error');
      held.push(text);
    },
    end() {
      release('error');
    },
  };
}
