// `lumiModules.run.*` settings as the editor gives them (unknown shapes tolerated) turned into a
// RunRequest. Pure, so the VS Code command stays a thin layer and the mapping is unit-tested.
import type { RunRequest } from './run';

export interface RunSettings {
  host: string;
  sshConfigFile?: string;
  modulePaths: string[];
  modules: string[];
  venv?: string;
  cwd?: string;
  preamble?: string;
  args: string[];
  srun: { enable: boolean; account?: string; partition?: string; time?: string; gpusPerNode?: number; nodes?: number; tasksPerNode?: number; extraOptions: string[] };
  idleTimeoutSeconds: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);
const positive = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);

export function parseRunSettings(raw: Record<string, unknown> | undefined): RunSettings {
  const r = raw ?? {};
  const srun = (typeof r.srun === 'object' && r.srun !== null ? r.srun : {}) as Record<string, unknown>;
  return {
    host: str(r.host) ?? '',
    sshConfigFile: str(r.sshConfigFile),
    modulePaths: strings(r.modulePaths),
    modules: strings(r.modules),
    venv: str(r.venv),
    cwd: str(r.cwd),
    preamble: str(r.preamble),
    args: strings(r.args),
    srun: {
      enable: srun.enable === true,
      account: str(srun.account),
      partition: str(srun.partition),
      time: str(srun.time),
      gpusPerNode: positive(srun.gpusPerNode),
      nodes: positive(srun.nodes),
      tasksPerNode: positive(srun.tasksPerNode),
      extraOptions: strings(srun.extraOptions),
    },
    idleTimeoutSeconds: typeof r.idleTimeoutSeconds === 'number' && r.idleTimeoutSeconds >= 0 ? r.idleTimeoutSeconds : 600,
  };
}

/** srun's options as separate words (each becomes exactly one argument on the remote). */
export function srunWords(s: RunSettings['srun']): string[] | undefined {
  if (!s.enable) return undefined;
  const words: string[] = [];
  if (s.account) words.push(`--account=${s.account}`);
  if (s.partition) words.push(`--partition=${s.partition}`);
  if (s.time) words.push(`--time=${s.time}`);
  if (s.nodes) words.push(`--nodes=${s.nodes}`);
  if (s.tasksPerNode) words.push(`--ntasks-per-node=${s.tasksPerNode}`);
  if (s.gpusPerNode) words.push(`--gpus-per-node=${s.gpusPerNode}`);
  return [...words, ...s.extraOptions];
}

export function runRequestFromSettings(s: RunSettings, script: string, remoteScript: boolean): RunRequest {
  return {
    modulePaths: s.modulePaths,
    modules: s.modules,
    venv: s.venv,
    cwd: s.cwd,
    preamble: s.preamble,
    srun: srunWords(s.srun),
    script,
    remoteScript,
    args: s.args,
  };
}
