// image-path-missing: a wrapper on the module's PATH runs a program by absolute path inside the
// container (`singularity exec "$SING_IMAGE" /opt/conda/bin/python`, or in `bash -c '...'`), or
// sources a file there, that the image lacks or cannot execute. Only what the image decides:
// paths under bind targets and host-mounted roots are left out (modulefile/imagePaths.ts).
import { basename } from 'node:path';
import { shortened } from '../../messages';
import type { ModulefileRule } from './types';

export const imagePathMissing: ModulefileRule = (ctx) => {
  const image = ctx.image;
  if (!image?.outcome.ok) return [];
  const seen = new Set<string>();
  const findings = [];
  for (const check of image.inside) {
    const { use, found } = check;
    const problem =
      found.status === 'missing'
        ? 'which the image lacks'
        : found.status !== 'present'
          ? undefined
          : found.kind !== 'file'
            ? `a ${found.kind} in the image`
            : use.use === 'program' && !found.executable
              ? 'not executable in the image'
              : undefined;
    if (!problem) continue;
    const key = `${check.wrapper}\0${use.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const verb = use.use === 'program' ? 'runs' : 'sources';
    const name = shortened(basename(check.wrapper), 24);
    const room = 100 - `Wrapper ${name} ${verb} , ${problem}`.length;
    findings.push({
      range: image.range,
      severity: 'warning' as const,
      code: 'image-path-missing',
      message: `Wrapper ${name} ${verb} ${shortened(use.path, room)}, ${problem}`,
    });
  }
  return findings;
};
