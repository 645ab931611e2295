// The `lumiModules.*` settings in the editor, through the one schema (core/settings/schema.ts).
import * as vscode from 'vscode';
import { parseSettings, withUserLevelOnly, type LumiSettings } from '../core/settings/schema';

/**
 * THE reader of the `lumiModules.*` settings in the editor, for `scope` (a file: its folder's
 * settings); bad values: defaults. A setting the schema marks user-level-only (the SSH config file,
 * the preamble, the job template, ShellCheck's path) is the user's own value, never a folder's.
 */
export function readSettings(scope?: vscode.Uri): LumiSettings {
  const config = vscode.workspace.getConfiguration('lumiModules', scope);
  const merged = vscode.workspace.getConfiguration(undefined, scope).get('lumiModules');
  return parseSettings(withUserLevelOnly(merged, (key) => config.inspect(key)?.globalValue));
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
