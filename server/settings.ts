// The `lumiModules.*` settings the language server reads, with defaults and validation.
// VS Code sends them through workspace/configuration; other editors through
// initializationOptions or workspace/didChangeConfiguration (`{ lumiModules: {...} }`).
import { makeEnv, type AnalysisEnv, type LuaVersion } from '../core/analysis/env';
import type { FileSystemView } from '../core/analysis/env';

export interface ServerSettings {
  env: Record<string, string>;
  luaVersion: LuaVersion;
  shellcheck: { enable: boolean; path: string };
  /** A site's SitePackage.lua (its sandbox_registration names); '' = $LMOD_PACKAGE_PATH's, if set. */
  sitePackage: string;
}

export const defaultSettings: ServerSettings = {
  env: {},
  luaVersion: '5.3',
  shellcheck: { enable: true, path: 'shellcheck' },
  sitePackage: '',
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
  return {
    env,
    luaVersion,
    shellcheck: {
      enable: typeof shellcheck.enable === 'boolean' ? shellcheck.enable : defaultSettings.shellcheck.enable,
      path: typeof shellcheck.path === 'string' && shellcheck.path ? shellcheck.path : defaultSettings.shellcheck.path,
    },
    sitePackage: typeof section.sitePackage === 'string' ? section.sitePackage : defaultSettings.sitePackage,
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
  const expand = (value: string) => (workspaceFolder === undefined ? value : value.split('${workspaceFolder}').join(workspaceFolder));
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(settings.env)) vars[name] = expand(value);
  return makeEnv({
    vars,
    processEnv,
    luaVersion: settings.luaVersion,
    fs,
    shellcheck: { enabled: settings.shellcheck.enable && shellcheckPath !== undefined, path: shellcheckPath ?? settings.shellcheck.path },
    sitePackage: expand(settings.sitePackage) || undefined,
  });
}
