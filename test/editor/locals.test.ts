// Locals in the editor over a real LSP client (stdio): hover shows the value the checker folded and
// where the local is defined, go to definition lands on the declaration that Lua's scoping picks,
// rename changes exactly the names bound to the local (upvalues yes; a shadowing local, a global of
// the same name, strings, table keys and fields no) and refuses what would change a binding.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Hover, Location, MarkupContent, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { startServer, type TestClient } from '../helpers/lspClient';

const SECRET_VARIABLE = 'LUMI_LOCALS_TEST_SECRET';
const SECRET_VALUE = '/very/private/place';

let dir: string;
let client: TestClient;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-locals-'));
  mkdirSync(join(dir, 'modules', 'tool'), { recursive: true });
  mkdirSync(join(dir, 'bin'));
  // The server inherits the environment: a value from it must be shown as $NAME, never in clear.
  process.env[SECRET_VARIABLE] = SECRET_VALUE;
  try {
    client = await startServer({ rootPath: dir });
  } finally {
    delete process.env[SECRET_VARIABLE];
  }
});
after(async () => {
  await client?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let files = 0;
async function openModule(text: string): Promise<string> {
  const uri = await client.open(join(dir, 'modules', 'tool', `${++files}.0.lua`), text);
  await client.diagnostics(uri);
  return uri;
}

/** The position of the N-th (0-based) occurrence of WORD in TEXT, on its first character + 1. */
function positionOf(text: string, word: string, nth = 0): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(word, at + 1);
    assert.notEqual(at, -1, `${word} #${nth} in the text`);
  }
  const before = text.slice(0, at + 1);
  const line = before.split('\n').length - 1;
  return { line, character: at + 1 - (before.lastIndexOf('\n') + 1) };
}

async function hover(uri: string, text: string, word: string, nth = 0): Promise<string> {
  const result = (await client.connection.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: positionOf(text, word, nth),
  })) as Hover | null;
  return result ? (result.contents as MarkupContent).value : '';
}

function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted)
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

async function rename(uri: string, text: string, word: string, nth: number, newName: string) {
  const edit = (await client.connection.sendRequest('textDocument/rename', {
    textDocument: { uri },
    position: positionOf(text, word, nth),
    newName,
  })) as WorkspaceEdit | null;
  assert.ok(edit?.changes?.[uri], 'edits for the document');
  return applyEdits(text, edit.changes[uri]);
}

/** The message a refused rename answers with (one line the client shows, within 100 characters). */
async function renameRefusal(uri: string, text: string, word: string, nth: number, newName: string) {
  const message = await client.connection
    .sendRequest('textDocument/rename', {
      textDocument: { uri },
      position: positionOf(text, word, nth),
      newName,
    })
    .then(
      () => assert.fail(`renaming ${word} to ${newName} was not refused`),
      (err: Error) => err.message,
    );
  assert.ok(message.length <= 100 && !message.includes('\n'), message);
  return message;
}

const SCOPES = [
  "setenv('BEFORE', root)", // a global root: the local is not declared yet
  "local root = os.getenv('LUMI_LOCALS_TEST_UNSET') or '/opt/tool'",
  'local function binDir()',
  "  return pathJoin(root, 'bin')", // an upvalue
  'end',
  'do',
  "  local root = 'inner'", // shadows
  "  setenv('INNER', root)",
  'end',
  "setenv('TOOL_ROOT', root)",
  'setenv(\'MSG\', "root is here")',
  'local t = { root = 1 }',
  't.root = root',
  "setenv('BIN', binDir())",
  '',
].join('\n');

describe('locals: hover', () => {
  it('shows the folded value and the line it is defined at, on a use', async () => {
    const uri = await openModule(SCOPES);
    const shown = await hover(uri, SCOPES, 'root', 2); // pathJoin(root, ...) in binDir
    assert.match(shown, /local root/);
    assert.match(shown, /Value: `\/opt\/tool`/);
    assert.match(shown, /defined at line 2\b/);
    const inner = await hover(uri, SCOPES, 'root', 4); // setenv('INNER', root)
    assert.match(inner, /Value: `inner`/);
    assert.match(inner, /defined at line 7\b/);
  });
  it('says where a value is nil, and shows values from the environment by name only', async () => {
    const text = [
      "local home = os.getenv('LUMI_LOCALS_TEST_UNSET')",
      `local secret = os.getenv('${SECRET_VARIABLE}')`,
      "local bin = pathJoin(secret, 'bin')",
      "prepend_path('PATH', home)",
      "setenv('S', bin)",
      '',
    ].join('\n');
    const uri = await openModule(text);
    assert.match(await hover(uri, text, 'home', 1), /\*\*nil\*\* where `LUMI_LOCALS_TEST_UNSET` is unset/);
    const bin = await hover(uri, text, 'bin', 2);
    assert.match(bin, new RegExp(`Value: \`\\$${SECRET_VARIABLE}/bin\``));
    assert.ok(!bin.includes(SECRET_VALUE), bin);
    // On the local inside the path: the local, and the path it is part of, both by name.
    const part = await hover(uri, text, 'secret', 1); // pathJoin(secret, 'bin')
    assert.match(part, new RegExp(`In the path \`\\$${SECRET_VARIABLE}/bin\``));
    assert.ok(!part.includes(SECRET_VALUE), part);
  });
  it('the outline shows a value from the environment by name only', async () => {
    const text = [`local secret = os.getenv('${SECRET_VARIABLE}')`, "setenv('S', secret)", ''].join('\n');
    const uri = await openModule(text);
    const symbols = (await client.connection.sendRequest('textDocument/documentSymbol', {
      textDocument: { uri },
    })) as { name: string; detail?: string }[];
    const local = symbols.find((sym) => sym.name === 'secret');
    assert.equal(local?.detail, `$${SECRET_VARIABLE}`);
  });
  it('adds whether the path exists where the local is a path argument', async () => {
    const text = [`local bdir = '${dir}/bin'`, "prepend_path('PATH', bdir)", ''].join('\n');
    const uri = await openModule(text);
    assert.match(await hover(uri, text, 'bdir', 1), /Path: exists \(directory\)/);
  });
});

describe('locals: go to definition', () => {
  it('lands on the declaration Lua scoping picks (upvalue, shadowing local)', async () => {
    const uri = await openModule(SCOPES);
    const at = async (nth: number) => {
      const result = (await client.connection.sendRequest('textDocument/definition', {
        textDocument: { uri },
        position: positionOf(SCOPES, 'root', nth),
      })) as Location[];
      assert.equal(result.length, 1);
      assert.equal(result[0].uri, uri);
      return result[0].range.start;
    };
    assert.deepEqual(await at(2), { line: 1, character: 6 }); // the upvalue -> the outer local
    assert.deepEqual(await at(4), { line: 6, character: 8 }); // the shadowed use -> the inner one
    assert.deepEqual(await at(9), { line: 1, character: 6 }); // `t.root = root`: the value
  });
});

describe('locals: rename', () => {
  it('renames the local and its upvalue, not the shadowing local, the global, strings, keys or fields', async () => {
    const uri = await openModule(SCOPES);
    const renamed = await rename(uri, SCOPES, 'root', 9, 'toolRoot'); // from `t.root = root`
    const expected = SCOPES.replace("local root = os.getenv('LUMI", "local toolRoot = os.getenv('LUMI")
      .replace("pathJoin(root, 'bin')", "pathJoin(toolRoot, 'bin')")
      .replace("setenv('TOOL_ROOT', root)", "setenv('TOOL_ROOT', toolRoot)")
      .replace('t.root = root', 't.root = toolRoot');
    assert.equal(renamed, expected);
  });
  it('says a global is not renamed, and offers nothing inside a string', async () => {
    const uri = await openModule(SCOPES);
    const prepare = (word: string, nth: number) =>
      client.connection.sendRequest('textDocument/prepareRename', {
        textDocument: { uri },
        position: positionOf(SCOPES, word, nth),
      });
    await assert.rejects(prepare('root', 0), /'root' is a global: only locals are renamed/);
    assert.equal(await prepare('root is here', 0), null);
    assert.deepEqual(await prepare('binDir', 1), {
      range: { start: { line: 13, character: 14 }, end: { line: 13, character: 20 } },
      placeholder: 'binDir',
    });
  });
  it('refuses while a part of the file does not parse (its names would be missed)', async () => {
    const text = [
      "local root = '/opt/tool'",
      "setenv('A', pathJoin(root, 'x')",
      "setenv('B', root)",
      '',
    ].join('\n');
    const uri = await client.open(join(dir, 'modules', 'tool', `${++files}.0.lua`), text);
    await client.diagnostics(uri, (d) => d.some((x) => x.code === 'lua-syntax'));
    assert.match(await renameRefusal(uri, text, 'root', 2, 'toolRoot'), /fix the syntax error first/);
  });
  it('refuses a name that would change what another name refers to, and a keyword', async () => {
    const uri = await openModule(SCOPES);
    // binDir renamed `root`: the `root` read inside its body would then be the function itself.
    const capture = await renameRefusal(uri, SCOPES, 'binDir', 0, 'root');
    assert.match(capture, /changes what 'root' on line 4 refers to/);
    assert.match(await renameRefusal(uri, SCOPES, 'root', 1, 'end'), /'end' is not a Lua name/);
  });
});
