// "LUMI: Check Folder": the tree check (core/analysis/project/checkProject.ts, what `lumi-modules
// check` runs) over folders the client names, with the server's settings and open documents; the
// client shows the findings in the Problems panel. A cancelled request answers null.
import type { Connection } from 'vscode-languageserver/node';
import type { AnalysisEnv } from '../core/analysis/env';
import { checkProject } from '../core/analysis/project/checkProject';
import type { FileFinding } from '../core/analysis/types';

export const CHECK_FOLDER_REQUEST = 'lumiModules/checkFolder';

export interface CheckFolderParams {
  /** Absolute folders (or files) to check. */
  paths: string[];
}

/** `currentEnv` settles once the client's first settings are known (a tree check waits for them). */
export function registerCheckFolder(
  connection: Connection,
  currentEnv: () => AnalysisEnv | Promise<AnalysisEnv>,
): void {
  connection.onRequest(
    CHECK_FOLDER_REQUEST,
    async (params: CheckFolderParams, token): Promise<FileFinding[] | null> => {
      const paths = (params?.paths ?? []).filter((p) => typeof p === 'string' && p.startsWith('/'));
      if (paths.length === 0) return [];
      const findings = await checkProject(paths, paths[0], await currentEnv());
      // A check without wrappers may never wait on I/O: let the queued $/cancelRequest be read.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      return token.isCancellationRequested ? null : findings;
    },
  );
}
