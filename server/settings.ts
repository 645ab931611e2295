// The language server's view of the `lumiModules.*` settings (schema and parsing: core/settings).
// VS Code sends them through workspace/configuration; other editors through
// initializationOptions or workspace/didChangeConfiguration (`{ lumiModules: {...} }`).
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
