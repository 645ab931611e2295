// Finds an executable on a PATH string without running a shell. Never against the working
// directory: a relative program path is refused and relative PATH entries (`.`, empty) are
// skipped, because the working directory may be a folder someone else wrote (workspace trust).
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export function findExecutable(name: string, pathVar: string | undefined): string | undefined {
  if (name === '') return undefined;
  if (name.includes('/') && !isAbsolute(name)) return undefined;
  const candidates = isAbsolute(name)
    ? [name]
    : (pathVar ?? '')
        .split(delimiter)
        .filter((d) => isAbsolute(d))
        .map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch {
      // not here
    }
  }
  return undefined;
}
