/**
 * The language server's stderr as log lines at a level. Dawn (WebGPU) writes what it finds at
 * start-up there, each message followed by the line of Dawn's source that emitted it
 * (`Warning: Couldn't load Vulkan: …` / `    at operator() (…/dawn/native/vulkan/BackendVk.cpp:368)`):
 * that is debug information, not an error of the extension. Anything else on stderr (a crash, a
 * Node warning) is an error.
 */
export type StderrLevel = 'debug' | 'error';

/** The line Dawn adds after each of its messages. */
const DAWN_SOURCE_LINE = /^\s+at .*[\\/]dawn[\\/]/;

export interface StderrSorter {
  line(text: string): void;
  /** The stream ended: the held line goes out. */
  end(): void;
}

/** Holds each line until the next one shows whether Dawn emitted it; blank lines go to debug. */
export function sortStderr(emit: (level: StderrLevel, text: string) => void): StderrSorter {
  let held: string | null = null;
  const release = (level: StderrLevel) => {
    if (held !== null) emit(held.trim() === '' ? 'debug' : level, held);
    held = null;
  };
  return {
    line(text) {
      if (DAWN_SOURCE_LINE.test(text)) {
        release('debug');
        emit('debug', text);
        return;
      }
      release('error');
      held = text;
    },
    end() {
      release('error');
    },
  };
}
