// Issue 11, item 1: a folder's own settings never choose the program the language server runs.
// The server runs with the folder as its working directory (as an editor starts it) and is told
// by workspace/configuration to run a program inside the folder; only ShellCheck from PATH or the
// user's own absolute path may run. Needs `npm run build` and Debian's shellcheck.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { codes, startServer } from '../helpers/lspClient';
import { wrapperWithFindings, writeFakeShellcheck } from '../helpers/wrapperFixture';

const WRAPPER = wrapperWithFindings();

const hasRealShellcheckFinding = (d: Diagnostic[]) =>
  d.some((x) => x.code === 'SC2068' || x.code === 'SC2086');

let base: string;
let folder: string;
let folderMarker: string;
let userMarker: string;
let userProgram: string;

before(() => {
  base = mkdtempSync(join(tmpdir(), 'lumi-trust-'));
  folder = join(base, 'cloned-project');
  mkdirSync(join(folder, '.vscode'), { recursive: true });
  mkdirSync(join(folder, 'bin'));
  folderMarker = join(base, 'folder-program-ran');
  userMarker = join(base, 'user-program-ran');
  writeFakeShellcheck(join(folder, '.vscode', 'shellcheck'), folderMarker, 9999);
  userProgram = join(base, 'user-tools', 'my-shellcheck');
  mkdirSync(join(base, 'user-tools'));
  writeFakeShellcheck(userProgram, userMarker, 9998);
});

after(() => rmSync(base, { recursive: true, force: true }));

describe('programs are chosen by the user, never by the folder', () => {
  for (const path of ['./.vscode/shellcheck', '.vscode/shellcheck', 'ABSOLUTE']) {
    it(`ignores shellcheck.path ${JSON.stringify(path)} from workspace/configuration (working directory: the folder)`, async () => {
      const wanted = path === 'ABSOLUTE' ? join(folder, '.vscode', 'shellcheck') : path;
      const client = await startServer({
        rootPath: folder,
        cwd: folder,
        settings: { shellcheck: { enable: true, path: wanted } },
      });
      try {
        const uri = await client.open(join(folder, 'bin', 'python'), WRAPPER);
        // ShellCheck from PATH still checks the wrapper (its findings arrive after ours).
        const diagnostics = await client.diagnostics(uri, (d) =>
          d.some((x) => /^SC\d+$/.test(String(x.code))),
        );
        assert.ok(hasRealShellcheckFinding(diagnostics), `ShellCheck from PATH ran: ${codes(diagnostics)}`);
        assert.ok(
          !diagnostics.some((d) => d.code === 'SC9999'),
          `the folder's program reported: ${codes(diagnostics)}`,
        );
        assert.equal(existsSync(folderMarker), false, "the folder's program ran");
      } finally {
        await client.stop();
      }
    });
  }

  it('takes an absolute path from initializationOptions (the user configuration of editors like Neovim)', async () => {
    const client = await startServer({
      rootPath: folder,
      cwd: folder,
      pullConfiguration: false,
      initializationOptions: { lumiModules: { shellcheck: { path: userProgram } } },
    });
    try {
      const uri = await client.open(join(folder, 'bin', 'python'), WRAPPER);
      const diagnostics = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'SC9998'));
      assert.ok(diagnostics.some((d) => d.code === 'SC9998'));
      assert.equal(existsSync(userMarker), true);
    } finally {
      await client.stop();
      rmSync(userMarker, { force: true });
    }
  });

  it('refuses a relative path even from initializationOptions, and says so', async () => {
    const client = await startServer({
      rootPath: folder,
      cwd: folder,
      pullConfiguration: false,
      initializationOptions: { lumiModules: { shellcheck: { path: './.vscode/shellcheck' } } },
    });
    try {
      const uri = await client.open(join(folder, 'bin', 'python'), WRAPPER);
      const diagnostics = await client.diagnostics(uri, (d) =>
        d.some((x) => x.code === 'wrapper-unquoted-args'),
      );
      assert.ok(
        !diagnostics.some((d) => /^SC/.test(String(d.code))),
        `no ShellCheck at all: ${codes(diagnostics)}`,
      );
      await waitFor(
        () => client.logs().some((m) => m.includes('refusing the relative path')),
        'the refusal in the log',
      );
      assert.equal(existsSync(folderMarker), false, "the folder's program ran");
    } finally {
      await client.stop();
    }
  });

  it('in Restricted Mode runs ShellCheck from PATH only; once trusted, the user-level path', async () => {
    const client = await startServer({
      rootPath: folder,
      cwd: folder,
      settings: { shellcheck: { enable: true, path: join(folder, '.vscode', 'shellcheck') } },
      initializationOptions: { workspaceTrusted: false, lumiModules: { shellcheck: { path: userProgram } } },
    });
    try {
      const uri = await client.open(join(folder, 'bin', 'python'), WRAPPER);
      const untrusted = await client.diagnostics(uri, hasRealShellcheckFinding);
      assert.ok(
        !untrusted.some((d) => d.code === 'SC9998' || d.code === 'SC9999'),
        `only ShellCheck from PATH: ${codes(untrusted)}`,
      );
      assert.equal(existsSync(userMarker), false, "the user's program ran before the folder was trusted");

      await client.connection.sendNotification('lumiModules/didChangeWorkspaceTrust', {
        workspaceTrusted: true,
        lumiModules: { shellcheck: { path: userProgram } },
      });
      const trusted = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'SC9998'));
      assert.ok(!trusted.some((d) => d.code === 'SC9999'), codes(trusted).join(' '));
      assert.equal(existsSync(userMarker), true, "the user's program runs once the folder is trusted");
      assert.equal(existsSync(folderMarker), false, "the folder's program ran");
    } finally {
      await client.stop();
      rmSync(userMarker, { force: true });
    }
  });
});

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
