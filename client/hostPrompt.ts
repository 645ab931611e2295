// The settings links and the one host question shared by Run and Submit.
import * as vscode from 'vscode';

/**
 * Opens the Settings editor at KEY in the scope where the setting can be set: in a remote window a
 * machine-overridable setting (lumiModules.run.host) is shown in the Remote tab, and the User tab
 * answers "No Settings Found".
 */
export async function openSetting(key: string): Promise<void> {
  const command = vscode.env.remoteName
    ? 'workbench.action.openRemoteSettings'
    : 'workbench.action.openSettings';
  try {
    await vscode.commands.executeCommand(command, key);
  } catch {
    await vscode.commands.executeCommand('workbench.action.openSettings', key);
  }
}

/**
 * Asks for LUMI's SSH host alias when lumiModules.run.host is empty and saves the answer as the
 * user's setting (the remote machine's in a remote window); undefined when the user cancels.
 */
export async function askForHost(title: string, suggested = 'lumi'): Promise<string | undefined> {
  const answer = await vscode.window.showInputBox({
    title,
    prompt: 'SSH host alias of LUMI (from ~/.ssh/config); saved as lumiModules.run.host',
    value: suggested,
    ignoreFocusOut: true,
    validateInput: (v) => (/^[^\s]+$/.test(v) ? undefined : 'one host alias, no spaces'),
  });
  if (!answer) return undefined;
  await vscode.workspace
    .getConfiguration('lumiModules')
    .update('run.host', answer, vscode.ConfigurationTarget.Global);
  return answer;
}
