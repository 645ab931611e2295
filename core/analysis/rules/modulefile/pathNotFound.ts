// path-not-found: a resolved absolute path missing where its site is this machine (site.ts): an
// error for the image (SING_IMAGE, or the one a shell function runs), a warning for PATH
// directories and capture('cat F') files. MODULEPATH entries never: Lmod skips an entry that does
// not exist (`module use` of an optional ~/.local tree is common).
import type { ModulefileRule } from './types';
import { withValue } from '../../messages';

const WHAT = {
  'sing-image': 'SING_IMAGE image',
  'shell-function-image': 'image of the shell function',
  'path-dir': 'directory put on PATH',
  'capture-file': "capture('cat F') file",
} as const;

export const pathNotFound: ModulefileRule = (ctx) =>
  ctx.paths
    .filter((p) => p.role in WHAT && p.exists === 'missing' && !p.guarded)
    .map((p) => ({
      range: p.range,
      // Every run of the wrappers (or the shell function) fails without its image.
      severity: p.role.endsWith('image') ? ('error' as const) : ('warning' as const),
      code: 'path-not-found',
      message: withValue(
        `${WHAT[p.role as keyof typeof WHAT]} does not exist on this machine`,
        ctx.render(p.value!),
      ),
    }));
