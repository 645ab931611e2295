// The paths the module's wrappers expect inside its container, looked up in the image (the file
// system step for image-path-missing). What the image does not decide is left out: a path under a
// bind target (the wrapper's --bind, the module's SINGULARITY_BIND / APPTAINER_BIND) or under a
// root the runtime or the site mounts from the host (/tmp, $HOME, /proc, /dev, /sys, /run, LUMI's
// file systems, /opt/cray of singularity-bindings, the /etc files Singularity writes).
import type { InImagePath } from '../../image/locate';
import type { ContainerPathUse } from '../wrapper/containerPaths';
import type { AnalysisEnv } from '../env';
import type { FoundWrapper } from './resolve';
import type { PathPrepend, SetenvValue } from './types';

export interface ImagePathCheck {
  wrapper: string;
  use: ContainerPathUse;
  found: InImagePath;
}

/** Mounted from the host by Singularity or on LUMI, whatever the image holds there. */
export const HOST_ROOTS: readonly string[] = (
  '/tmp /var/tmp /proc /dev /sys /run /var/run /home /users /root /scratch /project /flash ' +
  '/pfs /appl /lus /opt/cray /var/spool /usr/lib64 /etc/passwd /etc/group /etc/hosts ' +
  '/etc/hostname /etc/localtime /etc/resolv.conf /.singularity.d/libs /mnt /media /srv'
).split(' ');
const BIND_VARIABLES = ['SINGULARITY_BIND', 'APPTAINER_BIND', 'SINGULARITY_BINDPATH', 'APPTAINER_BINDPATH'];
const OVERLAY_VARIABLES = ['SINGULARITY_OVERLAY', 'APPTAINER_OVERLAY'];

/** The module's own bind targets, or undefined when one of them is not known here. */
function moduleBindTargets(
  setenv: ReadonlyMap<string, SetenvValue>,
  pathPrepends: readonly PathPrepend[],
): string[] | undefined {
  if (OVERLAY_VARIABLES.some((v) => setenv.has(v) || pathPrepends.some((p) => p.variable === v)))
    return undefined;
  const values: (string | undefined)[] = [];
  for (const v of BIND_VARIABLES) {
    if (setenv.has(v)) values.push(setenv.get(v)!.value);
    for (const p of pathPrepends) if (p.variable === v) values.push(p.value);
  }
  const out: string[] = [];
  for (const value of values) {
    if (value === undefined) return undefined;
    for (const one of value.split(',')) {
      if (one === '') continue;
      const [src, dst] = one.split(':');
      const target = dst ?? src;
      if (!target.startsWith('/')) return undefined;
      out.push(target);
    }
  }
  return out;
}

/**
 * The in-container paths of WRAPPERS that start the image held in IMAGE_VARIABLE, each looked up
 * in IMAGE; empty when the bind targets are not all known.
 */
export function imagePathChecks(
  image: string,
  imageVariable: string,
  wrappers: readonly FoundWrapper[],
  setenv: ReadonlyMap<string, SetenvValue>,
  pathPrepends: readonly PathPrepend[],
  env: AnalysisEnv,
): ImagePathCheck[] {
  if (!env.fs.imageLookup) return [];
  const moduleBinds = moduleBindTargets(setenv, pathPrepends);
  if (!moduleBinds) return [];
  const home = env.getenv('HOME');
  const roots = [...HOST_ROOTS, ...moduleBinds, ...(home?.startsWith('/') && home !== '/' ? [home] : [])];
  const checks: ImagePathCheck[] = [];
  for (const w of wrappers) {
    const uses = (w.facts.containerPaths ?? []).filter((u) => u.imageVariable === imageVariable);
    if (uses.length === 0) continue;
    const byBinds = new Map<string, ContainerPathUse[]>();
    for (const u of uses) {
      const key = u.bindTargets.join('\0');
      byBinds.set(key, [...(byBinds.get(key) ?? []), u]);
    }
    for (const group of byBinds.values()) {
      const found = env.fs.imageLookup(
        image,
        group.map((u) => u.path),
        [...roots, ...group[0].bindTargets],
      );
      group.forEach((use, i) => checks.push({ wrapper: w.path, use, found: found[i] }));
    }
  }
  return checks;
}
