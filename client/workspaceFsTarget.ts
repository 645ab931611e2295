// The scaffold writer's file system in the editor: vscode.workspace.fs, so files land where the
// workspace is (on LUMI in a Remote-SSH window). workspace.fs has no symlinks and no modes: on a
// local `file:` path (the extension host's own disk, which is LUMI's in a Remote-SSH window) links
// and the executable bit are made with node's fs; otherwise links become copies.
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { nodeTarget, type ScaffoldTarget } from '../core/scaffold/write';

export function workspaceFsTarget(): ScaffoldTarget {
  const uri = (path: string) => vscode.Uri.file(path);
  const local = vscode.workspace.fs.isWritableFileSystem('file') !== false;
  return {
    async stat(path) {
      if (local) return nodeTarget.stat(path);
      try {
        const s = await vscode.workspace.fs.stat(uri(path));
        return { kind: s.type & vscode.FileType.Directory ? 'dir' : 'file' };
      } catch {
        return undefined;
      }
    },
    mkdirp: (path) => Promise.resolve(vscode.workspace.fs.createDirectory(uri(path))),
    async writeFile(path, content, mode) {
      // workspace.fs writes go through VS Code's file service (atomic where the provider is).
      const tmp = join(dirname(path), `.${path.split('/').pop()}.lumi-tmp`);
      await vscode.workspace.fs.writeFile(uri(tmp), Buffer.from(content, 'utf8'));
      if (local) await fs.chmod(tmp, mode);
      await vscode.workspace.fs.rename(uri(tmp), uri(path), { overwrite: true });
    },
    async symlink(target, path) {
      if (local) {
        const tmp = join(dirname(path), `.${path.split('/').pop()}.lumi-tmp`);
        await fs.symlink(target, tmp);
        await fs.rename(tmp, path);
        return;
      }
      await vscode.workspace.fs.copy(uri(target.startsWith('/') ? target : join(dirname(path), target)), uri(path), { overwrite: true });
    },
    remove: (path) => Promise.resolve(vscode.workspace.fs.delete(uri(path), { useTrash: false })).catch(() => undefined),
  };
}
