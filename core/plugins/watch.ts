import { watch, type FSWatcher } from 'node:fs';

/** Waits for a burst of changes (an editor's save, a compiler's output) to settle. */
const SETTLE_MS = 150;

/**
 * Calls `changed` once the plugin folders have been quiet for a moment after a change. Only for
 * development (--watch): a reload imports every file again, and Node never unloads a module.
 */
export function watchPlugins(dirs: readonly string[], changed: () => void): { close(): void } {
  let timer: NodeJS.Timeout | undefined;
  const watchers: FSWatcher[] = dirs.map((dir) =>
    watch(dir, { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(changed, SETTLE_MS);
    }).on('error', () => {}),
  );
  return {
    close: () => {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
