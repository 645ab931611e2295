// The `lumiModules.*` settings the language server reads, with defaults and validation.
// VS Code sends them through workspace/configuration; other editors through
// initializationOptions or workspace/didChangeConfiguration (`{ lumiModules: {...} }`).
import { makeEnv, type AnalysisEnv, type LuaVersion } from '../core/analysis/env';
import type { FileSystemView } from '../core/analysis/env';
import { SEVERITY_OVERRIDES, type SeverityOverride } from '../core/analysis/policy';

export interface ServerSettings {
  env: Record<string, string>;
  luaVersion: LuaVersion;
  shellcheck: { enable: boolean; path: string };
  /** `lumiModules.diagnostics.severity`: per-code severity or 'off'; wins over .lumi-modules.json. */
  diagnostics: { severity: Record<string, SeverityOverride> };
}

export const defaultSettings: ServerSettings = {
  env: {},
  luaVersion: '5.3',
  shellcheck: { enable: true, path: 'shellcheck' },
  diagnostics: { severity: {} },
};

const LUA_VERSIONS: readonly LuaVersion[] = ['5.1', '5.2', '5.3', 'LuaJIT'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Settings from whatever the client sent; anything malformed falls back to the default. */
export function parseSettings(raw: unknown): ServerSettings {
  const section = isRecord(raw) && isRecord(raw.lumiModules) ? raw.lumiModules : raw;
  if (!isRecord(section)) return defaultSettings;
  const env: Record<string, string> = {};
  if (isRecord(section.env)) {
    for (const [name, value] of Object.entries(section.env)) if (typeof value === 'string') env[name] = value;
  }
  const luaVersion = LUA_VERSIONS.find((v) => v === section.luaVersion) ?? defaultSettings.luaVersion;
  const shellcheck = isRecord(section.shellcheck) ? section.shellcheck : {};
  const severity: Record<string, SeverityOverride> = {};
  const diagnostics = isRecord(section.diagnostics) ? section.diagnostics : {};
  if (isRecord(diagnostics.severity)) {
    for (const [code, value] of Object.entries(diagnostics.severity)) {
      if (/^[A-Za-z0-9_-]+$/.test(code) && SEVERITY_OVERRIDES.includes(value as SeverityOverride)) severity[code] = value as SeverityOverride;
    }
  }
  return {
    env,
    luaVersion,
    diagnostics: { severity },
    shellcheck: {
      enable: typeof shellcheck.enable === 'boolean' ? shellcheck.enable : defaultSettings.shellcheck.enable,
      path: typeof shellcheck.path === 'string' && shellcheck.path ? shellcheck.path : defaultSettings.shellcheck.path,
    },
  };
}

export function envFromSettings(
  settings: ServerSettings,
  fs: FileSystemView,
  processEnv: Record<string, string | undefined>,
  shellcheckPath: string | undefined,
  workspaceFolder: string | undefined,
): AnalysisEnv {
  // `${workspaceFolder}` in a value, as in VS Code's own settings, so that a checked-in
  // .vscode/settings.json can say `"PROJHOME": "${workspaceFolder}"`.
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(settings.env)) {
    vars[name] = workspaceFolder === undefined ? value : value.split('${workspaceFolder}').join(workspaceFolder);
  }
  return makeEnv({
    vars,
    processEnv,
    luaVersion: settings.luaVersion,
    fs,
    shellcheck: { enabled: settings.shellcheck.enable && shellcheckPath !== undefined, path: shellcheckPath ?? settings.shellcheck.path },
  });
}
