// The editor's analysis settings and `lumi-modules check`'s flags are one configuration seen from
// two sides: every lumiModules.* setting that changes findings has its CLI counterpart, and the
// real language server with the settings reports what the CLI reports with the flags.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { checkUsage } from '../../cli/check';
import { runCli } from '../helpers/cli';
import { repoRoot, startServer, type TestClient } from '../helpers/lspClient';

/** Each setting that changes what `check` finds, and where the CLI takes the same choice. */
const CLI_COUNTERPART: Record<string, string> = {
  'lumiModules.env': '--env',
  'lumiModules.sitePackage': '--site-package',
  'lumiModules.luaVersion': '--lua-version',
  'lumiModules.shellcheck.enable': '--no-shellcheck',
  // A program, chosen in user settings only (workspace trust); the CLI runs `shellcheck` from PATH.
  'lumiModules.shellcheck.path': 'PATH',
  // Both read the project's .lumi-modules.json; the setting wins over it in the editor.
  'lumiModules.diagnostics.severity': '.lumi-modules.json',
};
/** Settings of the other commands (run, batch jobs, Create Container Module) and of the LSP trace. */
const NOT_ANALYSIS = /^lumiModules\.(run|submit|scaffold|trace|checkFolder)\./;

const SEVERITY = ['', 'error', 'warning', 'information', 'hint'];

let root: string;
let client: TestClient;
const files: Record<string, string> = {
  // PROJHOME from the settings / --env; a function only the site package registers.
  'modules/tool/1.0.lua': `local root = os.getenv('PROJHOME')\nprepend_path('PATH', pathJoin(root, 'bin'))\nsite_hello('x')\nsite_helo('y')\nlocal unused = 1\n`,
  // Floor division exists from Lua 5.3 on: a syntax error under the 5.1 grammar.
  'modules/tool/2.0.lua': `local half = 7 // 2\nsetenv('HALF', tostring(half))\n`,
};

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'lumi-settings-cli-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  writeFileSync(
    join(root, 'SitePackage.lua'),
    `local function site_hello(s) return s end\nsandbox_registration{ site_hello = site_hello }\n`,
  );
  writeFileSync(
    join(root, '.lumi-modules.json'),
    JSON.stringify({ severity: { 'unused-local': 'off', 'path-not-found': 'information' } }),
  );
  client = await startServer({
    rootPath: root,
    settings: {
      env: { PROJHOME: root },
      sitePackage: join(root, 'SitePackage.lua'),
      luaVersion: '5.1',
      shellcheck: { enable: false },
    },
  });
});

after(async () => {
  await client?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('settings and CLI flags agree', () => {
  it('every analysis setting in package.json has its CLI counterpart, named in check --help', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    const declared = Object.keys(
      manifest.contributes.configuration.properties ?? manifest.contributes.configuration[0].properties,
    );
    const analysis = declared.filter((key) => !NOT_ANALYSIS.test(key));
    assert.deepEqual(analysis.sort(), Object.keys(CLI_COUNTERPART).sort());
    for (const counterpart of Object.values(CLI_COUNTERPART))
      assert.ok(checkUsage.includes(counterpart), `check --help does not mention ${counterpart}`);
  });

  it('the language server with the settings reports what check reports with the flags', async () => {
    const cli = runCli(
      [
        'check',
        '--format',
        'json',
        '--env',
        `PROJHOME=${root}`,
        '--site-package',
        join(root, 'SitePackage.lua'),
        '--lua-version',
        '5.1',
        '--no-shellcheck',
        'modules',
      ],
      { cwd: root },
    );
    assert.equal(cli.code, 1, cli.stderr);
    const fromCli = (
      JSON.parse(cli.stdout) as {
        file: string;
        range: Diagnostic['range'];
        severity: string;
        code: string;
        message: string;
      }[]
    )
      .map((f) => `${f.file}:${f.range.start.line}: ${f.severity} ${f.code}: ${f.message}`)
      .sort();
    const fromServer: string[] = [];
    for (const [name, text] of Object.entries(files)) {
      const uri = await client.open(join(root, name), text);
      assert.equal(uri, pathToFileURL(join(root, name)).href);
      for (const d of await client.diagnostics(uri, (ds) => ds.length > 0))
        fromServer.push(
          `${join(root, name)}:${d.range.start.line}: ${SEVERITY[d.severity!]} ${d.code}: ${d.message}`,
        );
    }
    assert.deepEqual(fromServer.sort(), fromCli);
    // What the configuration decided, so that agreement is not agreement on nothing:
    const codes = fromCli.map((line) =>
      line.slice(root.length + 1).replace(/^(\S+):(\d+): (\S+) (\S+):.*$/, '$1:$2 $3 $4'),
    );
    assert.deepEqual(codes, [
      'modules/tool/1.0.lua:1 information path-not-found', // $PROJHOME/bin resolved; severity from .lumi-modules.json
      'modules/tool/1.0.lua:3 error unknown-function', // site_helo; site_hello is the site package's
      'modules/tool/2.0.lua:0 error lua-syntax', // 7 // 2 under Lua 5.1
      'modules/tool/2.0.lua:1 warning undefined-variable', // the broken statement's local is lost
    ]);
  });
});
