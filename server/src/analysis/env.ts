// What the analysis may know of the world outside the text it checks. The CLI builds one from
// `--env` and the real file system; the language server from its settings; tests from fixtures.
import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';

export type LuaVersion = '5.1' | '5.2' | '5.3' | 'LuaJIT';

export type FileKind = 'file' | 'dir' | 'other' | 'missing';

/** Read-only view of the checked file system. Every method must never throw. */
export interface FileSystemView {
  kind(path: string): FileKind;
  /** UTF-8 text of a file, or undefined when unreadable. */
  readText(path: string): string | undefined;
  isExecutable(path: string): boolean;
  /** Entry names of a directory, or undefined when unreadable. */
  listDir(path: string): string[] | undefined;
}

export interface AnalysisEnv {
  /** Value for `os.getenv(name)`; undefined means unknown (paths using it are unresolvable). */
  getenv(name: string): string | undefined;
  fs: FileSystemView;
  luaVersion: LuaVersion;
  shellcheck: { enabled: boolean; path: string };
}

export const realFileSystem: FileSystemView = {
  kind(path) {
    try {
      const st = statSync(path);
      return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
    } catch {
      return 'missing';
    }
  },
  readText(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  isExecutable(path) {
    try {
      accessSync(path, constants.X_OK);
      return statSync(path).isFile();
    } catch {
      return false;
    }
  },
  listDir(path) {
    try {
      return readdirSync(path);
    } catch {
      return undefined;
    }
  },
};

/** An environment over the real file system; `vars` wins over `processEnv`. */
export function makeEnv(options: {
  vars?: Record<string, string>;
  processEnv?: Record<string, string | undefined>;
  luaVersion?: LuaVersion;
  shellcheck?: { enabled: boolean; path: string };
  fs?: FileSystemView;
}): AnalysisEnv {
  const vars = options.vars ?? {};
  const processEnv = options.processEnv ?? {};
  return {
    getenv: (name) => (Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : processEnv[name]),
    fs: options.fs ?? realFileSystem,
    luaVersion: options.luaVersion ?? '5.3',
    shellcheck: options.shellcheck ?? { enabled: false, path: 'shellcheck' },
  };
}
