// `lumiModules.run.*` settings as the editor gives them (checked by core/settings/schema.ts) turned
// into a RunRequest. Pure, so the VS Code command stays a thin layer and the mapping is unit-tested.
import { parseSettings } from '../settings/schema';
import { nonBlank, nonEmpty } from '../settings/values';
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
  srun: {
    enable: boolean;
    account?: string;
    partition?: string;
    time?: string;
    gpusPerNode?: number;
    nodes?: number;
    tasksPerNode?: number;
    extraOptions: string[];
  };
  idleTimeoutSeconds: number;
}

/** `lumiModules.run` as the editor gives it, through the settings schema: blank means unset, 0 GPUs none. */
export function parseRunSettings(raw: unknown): RunSettings {
  const { run } = parseSettings({ run: raw ?? {} });
  const { srun } = run;
  return {
    host: nonBlank(run.host) ?? '',
    sshConfigFile: nonBlank(run.sshConfigFile),
    modulePaths: nonEmpty(run.modulePaths),
    modules: nonEmpty(run.modules),
    venv: nonBlank(run.venv),
    cwd: nonBlank(run.cwd),
    preamble: nonBlank(run.preamble),
    args: nonEmpty(run.args),
    srun: {
      enable: srun.enable,
      account: nonBlank(srun.account),
      partition: nonBlank(srun.partition),
      time: nonBlank(srun.time),
      gpusPerNode: srun.gpusPerNode || undefined,
      nodes: srun.nodes,
      tasksPerNode: srun.tasksPerNode,
      extraOptions: nonEmpty(srun.extraOptions),
    },
    idleTimeoutSeconds: run.idleTimeoutSeconds,
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
