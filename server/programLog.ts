// One line in the output channel (LUMI: Show Output) whenever the server's program choice changes:
// which ShellCheck runs (path and version, or none) and whether the folder is trusted.
import type { Connection } from 'vscode-languageserver/node';
import { shellcheckVersion } from '../core/analysis/wrapper/shellcheck';

let last: string | undefined;

export function logPrograms(connection: Connection, shellcheck: string | undefined, trusted: boolean): void {
  const key = `${shellcheck ?? ''}\0${trusted}`;
  if (key === last) return;
  const trust = trusted ? 'trusted folder' : 'Restricted Mode (ShellCheck from PATH only)';
  const send = (line: string) => {
    try {
      connection.console.info(line);
      last = key;
    } catch {
      // not listening yet (the first choice, before initialize): logged at the next choice
    }
  };
  if (shellcheck === undefined) send(`ShellCheck: off or not found; ${trust}`);
  else
    void shellcheckVersion(shellcheck).then((v) =>
      send(`ShellCheck: ${shellcheck} (version ${v}); ${trust}`),
    );
}
