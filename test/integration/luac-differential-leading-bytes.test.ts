// Modulefiles that begin with a byte Lua cannot start a token with (issue 24): a UTF-8 BOM (with
// and without a newline after it), `@`, `$`, `!`, `\`, U+00A0, U+200B, 0x01. Real Lmod 8.6 is the
// oracle: it reads the file and calls Lua's load() on the text, which skips no BOM, and refuses
// each of them with "unexpected symbol near ..." at line 1. The checker reports exactly that line
// and message as lua-syntax, checks the rest of the tree (exit 1, never a crash), `scaffold --from`
// refuses the file with the same words (exit 2), and the language server publishes the finding
// and answers hover on the file's other lines.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Hover } from 'vscode-languageserver-protocol';
import { runCli } from '../helpers/cli';
import { runModuleCommands } from '../helpers/lmod';
import { startServer } from '../helpers/lspClient';

const LEADS: Record<string, string> = {
  bom: '\ufeff',
  'bom-newline': '\ufeff\n',
  at: '@',
  dollar: '$',
  bang: '!',
  backslash: '\\',
  nbsp: '\u00a0',
  zwsp: '\u200b',
  ctl1: '\x01',
};
const BODY = 'setenv("A", "b")\nprepend_path("PATH", "/nonexistent/bin")\nsetenvv("B", "c")\n';

let root: string;
/** Lmod's verdict per case: "LINE: message". */
const lmod = new Map<string, string>();

before(() => {
  root = mkdtempSync(join(tmpdir(), 'lumi-leading-'));
  mkdirSync(join(root, 'modules', 'lead'), { recursive: true });
  mkdirSync(join(root, 'modules', 'good'), { recursive: true });
  for (const [name, lead] of Object.entries(LEADS))
    writeFileSync(join(root, 'modules', 'lead', `${name}.lua`), lead + BODY);
  writeFileSync(join(root, 'modules', 'good', '1.lua'), BODY);
  for (const name of Object.keys(LEADS)) {
    const r = runModuleCommands([
      ['use', join(root, 'modules')],
      ['load', `lead/${name}`],
    ]);
    const said = (r.stdout + r.stderr).replace(/\s+/g, ' ');
    const m = /:(\d+): (.+?) Please check the modulefile/.exec(said);
    assert.ok(r.status !== 0 && m, `Lmod loads lead/${name}: ${said}`);
    lmod.set(name, `${m[1]}: ${m[2]}`);
  }
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('modulefiles with a leading byte Lua cannot start a token with', () => {
  it('Lmod refuses each of them (the BOM too) as unexpected symbol at line 1', () => {
    for (const [name, verdict] of lmod) assert.match(verdict, /^1: unexpected symbol near '.+'$/, name);
  });

  it("check reports Lmod's line and message for each and checks the rest of the tree", () => {
    const r = runCli(['check', '--format', 'json', '--no-shellcheck', root]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, '');
    const findings = JSON.parse(r.stdout) as {
      file: string;
      code: string;
      range: { start: { line: number } };
      message: string;
    }[];
    for (const name of Object.keys(LEADS)) {
      const syntax = findings.filter((f) => f.file.endsWith(`lead/${name}.lua`) && f.code === 'lua-syntax');
      assert.deepEqual(
        syntax.map((f) => `${f.range.start.line + 1}: ${f.message}`),
        [lmod.get(name)],
        name,
      );
    }
    // The rest of each file and the other module are analysed: the misspelt setenvv is found.
    const missing = findings
      .filter((f) => f.code === 'unknown-function')
      .map((f) => f.file.replace(root, ''));
    assert.equal(missing.length, Object.keys(LEADS).length + 1, JSON.stringify(missing));
  });

  it("scaffold --from refuses each with Lmod's words, exit 2, one line", () => {
    for (const name of Object.keys(LEADS)) {
      const file = join(root, 'modules', 'lead', `${name}.lua`);
      const home = join(root, `home-${name}`);
      const r = runCli(
        ['scaffold', '--from', file, '--name', 'x', '--version', '1', '--image', join(home, 'x.sif')].concat([
          '--root',
          home,
          '--allow-missing-image',
        ]),
      );
      assert.equal(r.code, 2, `${name}: ${r.stdout}${r.stderr}`);
      const [line, message] = lmod.get(name)!.split(/: (.*)/s);
      assert.equal(
        r.stderr,
        `lumi-modules scaffold: ${file}:${line}: cannot parse as Lua: ${message}\n`,
        name,
      );
    }
  });

  it('the language server publishes the finding and answers hover on the other lines', async () => {
    const client = await startServer({ rootPath: root });
    try {
      for (const [name, lead] of Object.entries(LEADS)) {
        const path = join(root, 'modules', 'lead', `${name}.lua`);
        const uri = await client.open(path, lead + BODY);
        assert.equal(uri, pathToFileURL(path).href);
        const diagnostics = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'lua-syntax'));
        const syntax = diagnostics.filter((d) => d.code === 'lua-syntax');
        assert.deepEqual(
          syntax.map((d) => `${d.range.start.line + 1}: ${d.message}`),
          [lmod.get(name)],
          name,
        );
        const line = (lead + BODY).split('\n').findIndex((l) => l.startsWith('prepend_path'));
        const hover = (await client.connection.sendRequest('textDocument/hover', {
          textDocument: { uri },
          position: { line, character: 3 },
        })) as Hover | null;
        assert.match(JSON.stringify(hover?.contents ?? null), /prepend_path/, name);
      }
      assert.doesNotMatch(client.stderr(), /TypeError|\n\s+at /);
    } finally {
      await client.stop();
    }
  });
});
