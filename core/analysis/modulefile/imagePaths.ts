// The paths the module's wrappers expect inside its container, looked up in the image (the file
// system step for image-path-missing). What the image does not decide is left out: a path under a
// bind target (the wrapper's --bind, the module's SINGULARITY_BIND / APPTAINER_BIND) or under a
// root the runtime or the site mounts from the host (/tmp, $HOME, /proc, /dev, /sys, /run, LUMI's
// file systems, /opt/cray of singularity-bindings, the /etc files Singularity writes). A module
// whose binds are not all seen (a site function, a loaded module, a sourced script) gets none.
import type { InImagePath } from '../../image/locate';
import type { ContainerPathUse } from '../wrapper/containerPaths';
import type { AnalysisEnv } from '../env';
import type { FoundWrapper } from './resolve';
import { lmodFunctions } from './lmodApi';
import type { LmodCall, PathPrepend, SetenvValue } from './types';

export interface ImagePathCheck {
  wrapper: string;
  use: ContainerPathUse;
  found: InImagePath;
}

/** Mounted from the host by Singularity or on LUMI, whatever the image holds there. */
export const HOST_ROOTS: readonly string[] = (
  '/tmp /var/tmp /proc /dev /sys /run /var/run /home /users /root /scratch /project /projappl /flash ' +
  '/pfs /appl /lus /opt/cray /var/spool /usr/lib64 /etc/passwd /etc/group /etc/hosts ' +
  '/etc/hostname /etc/localtime /etc/resolv.conf /.singularity.d/libs /mnt /media /srv'
).split(' ');
/** Calls that change the environment in ways the walk does not follow (they may set binds). */
const UNFOLLOWED = new Set(['source_sh', 'loadstring', 'dofile', 'pushenv', 'mgrload']);
const LOADS = new Set(['load', 'try_load', 'always_load', 'depends_on', 'depends_on_any']);
/** LUMI's bindings modules: they bind host file systems and libraries only (HOST_ROOTS). */
const BINDINGS_MODULE = new RegExp(
  '^(singularity-bindings|singularity-AI-bindings|lumi-aif-singularity-bindings|' +
    'singularity-userfilesystems|singularity-CPEbits)(/|$)',
);

/**
 * Whether every bind the module makes is seen: no site function (create_container_vars binds
 * /runscripts and /user-software), no call of its own, nothing sourced, and no module loaded
 * but LUMI's bindings modules.
 */
function bindsAreSeen(calls: readonly LmodCall[]): boolean {
  return calls.every((c) => {
    if (LOADS.has(c.name))
      return c.args.length > 0 && c.args.every((a) => a.value !== undefined && BINDINGS_MODULE.test(a.value));
    const known = lmodFunctions.get(c.name);
    return (
      known !== undefined && (known.kind === 'lmod' || known.kind === 'sandbox') && !UNFOLLOWED.has(c.name)
    );
  });
}

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
  calls: readonly LmodCall[],
  env: AnalysisEnv,
): ImagePathCheck[] {
  if (!env.fs.imageLookup || !bindsAreSeen(calls)) return [];
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
