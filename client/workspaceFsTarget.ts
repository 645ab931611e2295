// The scaffold writer's file system in the editor. On a `file:` path (the extension host's own
// disk, which is LUMI's in a Remote-SSH window) it is node's fs exactly as in the CLI: exclusive
// random temporary names, no link followed, modes set on the open file. Elsewhere
// vscode.workspace.fs, which has no links, no modes and no exclusive create: a fresh random
// temporary name (checked absent first) is written and renamed into place, and links become copies.
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { nodeTarget, tempNameFor, type ScaffoldTarget } from '../core/scaffold/write';

export function workspaceFsTarget(): ScaffoldTarget {
  if (vscode.workspace.fs.isWritableFileSystem('file') !== false) return nodeTarget;
  const uri = (path: string) => vscode.Uri.file(path);
  const exists = async (path: string) => {
    try {
      await vscode.workspace.fs.stat(uri(path));
      return true;
    } catch {
      return false;
    }
  };
  const freshTemp = async (path: string) => {
    for (;;) {
      const tmp = tempNameFor(path);
      if (!(await exists(tmp))) return tmp;
    }
  };
  const target: ScaffoldTarget = {
    async stat(path) {
      try {
        const s = await vscode.workspace.fs.stat(uri(path));
        if (s.type & vscode.FileType.SymbolicLink) return { kind: 'symlink' };
        return {
          kind: s.type & vscode.FileType.Directory ? 'dir' : s.type & vscode.FileType.File ? 'file' : 'other',
        };
      } catch {
        return undefined;
      }
    },
    async readFile(path, limit) {
      const s = await vscode.workspace.fs.stat(uri(path));
      if (s.size > limit) return undefined;
      const bytes = await vscode.workspace.fs.readFile(uri(path));
      return bytes.length > limit ? undefined : Buffer.from(bytes);
    },
    mkdir: (path) => Promise.resolve(vscode.workspace.fs.createDirectory(uri(path))),
    async writeFile(path, content) {
      const tmp = await freshTemp(path);
      await vscode.workspace.fs.writeFile(uri(tmp), Buffer.from(content, 'utf8'));
      await vscode.workspace.fs.rename(uri(tmp), uri(path), { overwrite: true });
    },
    async symlink(linkTarget, path) {
      const tmp = await freshTemp(path);
      await vscode.workspace.fs.copy(
        uri(linkTarget.startsWith('/') ? linkTarget : join(dirname(path), linkTarget)),
        uri(tmp),
      );
      await vscode.workspace.fs.rename(uri(tmp), uri(path), { overwrite: true });
    },
    keepCopy: (path, copy) =>
      Promise.resolve(vscode.workspace.fs.copy(uri(path), uri(copy), { overwrite: false })),
    rename: (from, to) =>
      Promise.resolve(vscode.workspace.fs.rename(uri(from), uri(to), { overwrite: true })),
    remove: (path) =>
      Promise.resolve(vscode.workspace.fs.delete(uri(path), { useTrash: false })).catch(() => undefined),
    rmdir: async (path) => {
      const entries = await Promise.resolve(vscode.workspace.fs.readDirectory(uri(path))).catch(
        () => undefined,
      );
      if (entries?.length === 0)
        await Promise.resolve(vscode.workspace.fs.delete(uri(path))).catch(() => undefined);
    },
    list: async (path) =>
      (await Promise.resolve(vscode.workspace.fs.readDirectory(uri(path))).catch(() => [])).map(
        ([name]) => name,
      ),
  };
  return target;
}
