// The SSH questions (unknown host key, passphrase, 2FA) in VS Code's own UI, for the kept
// connections of the extension's context (ctx.ts).
import * as vscode from 'vscode';
import type { ConnectPrompts } from '../core/remote/connection';

/** Asks in VS Code's own UI: modal fingerprint question, masked passphrase, 2FA prompts. */
export const editorPrompts: ConnectPrompts = {
  async confirmUnknownHost({ host, keyType, fingerprint }) {
    const trust = 'Trust and connect';
    const answer = await vscode.window.showWarningMessage(
      `The authenticity of host ${host} can't be established.`,
      {
        modal: true,
        detail:
          `${keyType} key fingerprint is ${fingerprint}.\n` +
          'Compare it with the fingerprint LUMI publishes before you continue.',
      },
      trust,
    );
    return answer === trust;
  },
  passphrase: (keyFile) =>
    Promise.resolve(
      vscode.window.showInputBox({
        prompt: `Passphrase for ${keyFile}`,
        password: true,
        ignoreFocusOut: true,
      }),
    ),
  async keyboardInteractive({ name, instructions, prompts }) {
    const answers: string[] = [];
    for (const p of prompts) {
      const a = await vscode.window.showInputBox({
        title: name || 'SSH login',
        prompt: [instructions, p.prompt].filter(Boolean).join(' '),
        password: !p.echo,
        ignoreFocusOut: true,
      });
      if (a === undefined) return undefined;
      answers.push(a);
    }
    return answers;
  },
};
