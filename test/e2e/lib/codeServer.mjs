// Starts code-server with everything it writes in a temp directory: HOME, XDG dirs, config,
// user data and extensions. Each child runs in its own process group so stop() ends the whole
// tree (code-server forks an extension host, a pty host, file watchers, the language server).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Environment that keeps code-server, its extension host and Chromium out of the real home. */
export function isolatedEnv(base) {
  const home = join(base, 'home');
  for (const d of ['.config', '.local/share', '.cache', '.local/state'])
    mkdirSync(join(home, d), { recursive: true });
  return {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    XDG_RUNTIME_DIR: undefined,
    TMPDIR: join(base, 'tmp'),
    // Nothing of the developer's own editor or SSH agent leaks in.
    VSCODE_IPC_HOOK_CLI: undefined,
    SSH_AUTH_SOCK: undefined,
    PROJHOME: undefined,
  };
}

/** Kills a detached child's whole process group: TERM, then KILL after `graceMs`. */
export async function killGroup(child, graceMs = 3000) {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) {
    try {
      if (child?.pid) process.kill(-child.pid, 'SIGKILL'); // stragglers of an exited leader
    } catch {}
    return;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = new Promise((resolve) => setTimeout(resolve, graceMs));
  await Promise.race([exited, timer]);
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {}
}

export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'editor.hover.delay': 200,
  'editor.minimap.enabled': false,
  'explorer.compactFolders': false,
  'files.autoSave': 'off',
  'terminal.integrated.enablePersistentSessions': false,
  'window.restoreWindows': 'none',
  'terminal.integrated.gpuAcceleration': 'off', // the DOM renderer: terminal text is readable in .xterm-rows
};

export class CodeServer {
  /** @param {{ bin: string, base: string, log?: (s: string) => void, workspaceTrust?: boolean }} o */
  constructor(o) {
    this.bin = o.bin;
    this.workspaceTrust = o.workspaceTrust === true;
    this.base = o.base;
    this.log = o.log ?? (() => {});
    this.env = isolatedEnv(o.base);
    mkdirSync(this.env.TMPDIR, { recursive: true });
    this.userDataDir = join(o.base, 'user-data');
    this.extensionsDir = join(o.base, 'extensions');
    this.logFile = join(o.base, 'code-server.log');
    mkdirSync(join(this.userDataDir, 'User'), { recursive: true });
    mkdirSync(this.extensionsDir, { recursive: true });
    writeFileSync(
      join(this.userDataDir, 'User', 'settings.json'),
      JSON.stringify({ ...USER_SETTINGS, 'security.workspace.trust.enabled': this.workspaceTrust }, null, 2),
    );
    writeFileSync(join(o.base, 'config.yaml'), 'auth: none\ncert: false\n');
  }

  installExtension(vsix) {
    const r = spawnSync(
      this.bin,
      [
        '--install-extension',
        vsix,
        '--extensions-dir',
        this.extensionsDir,
        '--user-data-dir',
        this.userDataDir,
        '--config',
        join(this.base, 'config.yaml'),
      ],
      {
        env: this.env,
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    if (r.status !== 0)
      throw new Error(`code-server --install-extension failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout.trim();
  }

  async start() {
    this.port = await freePort();
    const out = openSync(this.logFile, 'a');
    this.child = spawn(
      this.bin,
      [
        '--config',
        join(this.base, 'config.yaml'),
        '--bind-addr',
        `127.0.0.1:${this.port}`,
        '--auth',
        'none',
        '--disable-telemetry',
        '--disable-update-check',
        ...(this.workspaceTrust ? [] : ['--disable-workspace-trust']),
        '--disable-getting-started-override',
        '--user-data-dir',
        this.userDataDir,
        '--extensions-dir',
        this.extensionsDir,
      ],
      { env: this.env, detached: true, stdio: ['ignore', out, out] },
    );
    closeSync(out);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (this.child.exitCode !== null)
        throw new Error(`code-server exited with ${this.child.exitCode}; see ${this.logFile}`);
      try {
        const r = await fetch(`http://127.0.0.1:${this.port}/healthz`);
        if (r.ok) break;
      } catch {}
      if (Date.now() > deadline)
        throw new Error(`code-server did not answer on port ${this.port}; see ${this.logFile}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    this.url = `http://127.0.0.1:${this.port}`;
    return this.url;
  }

  /**
   * Adds user-level settings. code-server's window is a remote one: `machine`-scoped settings are
   * read from the remote user settings (Machine/settings.json), the rest from User/settings.json.
   */
  setUserSettings(values) {
    for (const dir of ['User', 'Machine']) {
      const file = join(this.userDataDir, dir, 'settings.json');
      let current = {};
      try {
        current = JSON.parse(readFileSync(file, 'utf8'));
      } catch {}
      mkdirSync(join(this.userDataDir, dir), { recursive: true });
      writeFileSync(file, JSON.stringify({ ...current, ...values }, null, 2));
    }
  }

  folderUrl(folder) {
    return `${this.url}/?folder=${encodeURIComponent(folder)}`;
  }

  async stop() {
    await killGroup(this.child);
  }
}
