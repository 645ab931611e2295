// The `lumiModules.*` settings in the editor, through the one schema (core/settings/schema.ts).
import * as vscode from 'vscode';
import { parseRunSettings, type RunSettings } from '../core/remote/settings';
import { parseSettings, type LumiSettings } from '../core/settings/schema';

/** All `lumiModules.*` settings for `scope` (a file: its folder's settings); bad values: defaults. */
export function readSettings(scope?: vscode.Uri): LumiSettings {
  return parseSettings(vscode.workspace.getConfiguration(undefined, scope).get('lumiModules'));
}

/**
 * `lumiModules.run.*` for a file. The SSH config file (its `Match exec` runs commands) and the
 * preamble (shell lines) are user-level only: a folder's settings.json never chooses them.
 */
export function readRunSettings(scope?: vscode.Uri): RunSettings {
  const config = vscode.workspace.getConfiguration('lumiModules', scope);
  const userLevel = (key: string) => config.inspect(key)?.globalValue;
  return parseRunSettings({
    ...config.get<Record<string, unknown>>('run'),
    sshConfigFile: userLevel('run.sshConfigFile'),
    preamble: userLevel('run.preamble'),
  });
}

/** False (after telling the user) when the folder is not trusted: remote work runs what settings name. */
export async function requireTrust(what: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  const answer = await vscode.window.showErrorMessage(
    `LUMI: ${what} need a trusted folder (Restricted Mode is on). Trust this folder to run scripts from it.`,
    manage,
  );
  if (answer === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}

/**
 * The Python file a run or a batch job is for (the argument, else the active editor), in a trusted
 * folder, saved; undefined (after telling the user) otherwise.
 */
export async function pythonFileToSend(
  resource: vscode.Uri | undefined,
  purpose: string,
  trustFor: string,
): Promise<vscode.Uri | undefined> {
  const uri = resource ?? vscode.window.activeTextEditor?.document.uri;
  if (!uri || !uri.path.endsWith('.py')) {
    void vscode.window.showErrorMessage(`LUMI: open a Python (.py) file to ${purpose}.`);
    return undefined;
  }
  if (!(await requireTrust(trustFor))) return undefined;
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (document?.isDirty) await document.save();
  return uri;
}
