// Path pieces for loops over the thousands of files of a module tree.
import { dirname, sep } from 'node:path';

/**
 * path.dirname of the paths a walk or an editor gives (absolute, normalised): the text before the
 * last separator, without path.dirname's character loop (slow before V8 optimises it, and a tree
 * check asks this of every file). Anything else (a root, a trailing or doubled
 * separator, Windows) is left to path.dirname, so the answer is always dirname's.
 */
export function directoryOf(path: string): string {
  if (sep === '/') {
    const slash = path.lastIndexOf('/');
    if (slash > 0 && slash < path.length - 1 && path.charCodeAt(slash - 1) !== 47)
      return path.slice(0, slash);
  }
  return dirname(path);
}
