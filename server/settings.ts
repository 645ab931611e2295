// The language server's view of the `lumiModules.*` settings (schema and parsing: core/settings).
// VS Code sends them through workspace/configuration; other editors through
// initializationOptions or workspace/didChangeConfiguration (`{ lumiModules: {...} }`).
// `shellcheck.path` chooses a program and is read apart (ProgramSettings below).
import { isAbsolute } from 'node:path';
import { findExecutable } from '../core/common/which';
import { makeEnv, type AnalysisEnv } from '../core/analysis/env';
import type { FileSystemView } from '../core/analysis/env';
import type { LumiSettings } from '../core/settings/schema';

export { defaultSettings, parseSettings, parseSettingsReporting } from '../core/settings/schema';
export type ServerSettings = LumiSettings;

export function envFromSettings(
  settings: ServerSettings,
  fs: FileSystemView,
  processEnv: Record<string, string | undefined>,
  shellcheckPath: string | undefined,
  workspaceFolder: string | undefined,
): AnalysisEnv {
  // `${workspaceFolder}` in a value, as in VS Code's own settings, so that a checked-in
  // .vscode/settings.json can say `"PROJHOME": "${workspaceFolder}"`.
  const expand = (value: string) =>
    workspaceFolder === undefined ? value : value.split('${workspaceFolder}').join(workspaceFolder);
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(settings.env)) vars[name] = expand(value);
  return makeEnv({
    vars,
    processEnv,
    luaVersion: settings.luaVersion,
    fs,
    shellcheck: {
      enabled: settings.shellcheck.enable && shellcheckPath !== undefined,
      path: shellcheckPath ?? 'shellcheck',
    },
    sitePackage: expand(settings.sitePackage) || undefined,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What chooses the programs the server runs (today: ShellCheck). Never taken from
 * workspace/configuration or didChangeConfiguration, which carry a folder's own settings: only from
 * initializationOptions (the editor's user configuration) and the `lumiModules/didChangeWorkspaceTrust`
 * notification the VS Code client sends with the user-level value (client/settings.ts readSettings).
 */
export interface ProgramSettings {
  /** False in VS Code's Restricted Mode: ShellCheck then comes from PATH only. */
  workspaceTrusted: boolean;
  /** The user-level `lumiModules.shellcheck.path`, if set. */
  shellcheckPath?: string;
}

export const DID_CHANGE_WORKSPACE_TRUST = 'lumiModules/didChangeWorkspaceTrust';

/**
 * The settings ProgramSettings carries: each is user-level-only in core/settings/schema.ts, which is
 * what makes the client send the user's value (test/unit/settings-schema.test.ts checks it).
 */
export const PROGRAM_SETTINGS: readonly string[] = ['shellcheck.path'];

/**
 * `{ workspaceTrusted?, lumiModules?: { shellcheck?: { path? } } }` (initializationOptions or the
 * notification).
 */
export function parseProgramSettings(raw: unknown): ProgramSettings {
  if (!isRecord(raw)) return { workspaceTrusted: true };
  const section = isRecord(raw.lumiModules) ? raw.lumiModules : raw;
  const shellcheck = isRecord(section.shellcheck) ? section.shellcheck : {};
  return {
    workspaceTrusted: raw.workspaceTrusted !== false,
    shellcheckPath:
      typeof shellcheck.path === 'string' && shellcheck.path !== '' ? shellcheck.path : undefined,
  };
}

export interface ShellcheckChoice {
  path: string | undefined;
  /** Why a configured path was refused. */
  problem?: string;
}

/**
 * The ShellCheck executable to run: in an untrusted workspace `shellcheck` on PATH; otherwise the
 * user's path, which must be absolute (or a bare name looked up on PATH). Never resolved against
 * the working directory.
 */
export function chooseShellcheck(programs: ProgramSettings, pathVar: string | undefined): ShellcheckChoice {
  const wanted = programs.workspaceTrusted ? (programs.shellcheckPath ?? 'shellcheck') : 'shellcheck';
  if (wanted.includes('/') && !isAbsolute(wanted)) {
    return {
      path: undefined,
      problem:
        'lumiModules.shellcheck.path must be an absolute path or a name on PATH; ' +
        `refusing the relative path ${JSON.stringify(wanted)}`,
    };
  }
  const found = findExecutable(wanted, pathVar);
  return found === undefined ? { path: undefined } : { path: found };
}
