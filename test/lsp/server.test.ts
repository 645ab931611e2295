// The bundled language server driven over stdio by a real LSP client (vscode-jsonrpc).
// Needs `npm run build` first (npm test does it).
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type {
  CodeAction,
  CompletionItem,
  CompletionList,
  Hover,
  Diagnostic,
} from 'vscode-languageserver-protocol';
import { codes, startServer, type TestClient } from '../helpers/lspClient';
import { GOOD_WRAPPER, wrapperWithUnquotedArgs } from '../helpers/wrapperFixture';

function writeProject(root: string): void {
  for (const d of ['modules/tool', 'bin', 'sif', 'txt']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'sif', 'tool.sif'), '');
  writeFileSync(join(root, 'txt', 'load.txt'), 'Loaded tool\n');
  writeFileSync(join(root, 'bin', 'python'), GOOD_WRAPPER);
  chmodSync(join(root, 'bin', 'python'), 0o755);
}

function moduleText(root: string, body: string): string {
  return `local root = '${root}'\n${body}`;
}

let root: string;
let client: TestClient;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'lumi-lsp-'));
  writeProject(root);
  client = await startServer({
    rootPath: root,
    settings: { env: { PROJHOME: root }, shellcheck: { enable: false } },
  });
});

after(async () => {
  await client?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('language server over stdio', () => {
  it('publishes missing-sing-image for a container module without SING_IMAGE', async () => {
    const uri = await client.open(
      join(root, 'modules/tool/1.0.lua'),
      moduleText(root, `prepend_path('PATH', pathJoin(root, 'bin'))\nsetenv('WITH_CONDA', 'true')\n`),
    );
    const diagnostics = await client.diagnostics(uri);
    const missing = diagnostics.find((d) => d.code === 'missing-sing-image');
    assert.ok(missing, `expected missing-sing-image, got ${codes(diagnostics)}`);
    assert.equal(missing.severity, 1);
    assert.equal(missing.source, 'lumi-modules');
  });

  it('is silent on a correct container module', async () => {
    const uri = await client.open(
      join(root, 'modules/tool/2.0.lua'),
      moduleText(
        root,
        `setenv('SING_IMAGE', pathJoin(root, 'sif', 'tool.sif'))\nprepend_path('PATH', pathJoin(root, 'bin'))\n`,
      ),
    );
    const diagnostics = await client.diagnostics(uri);
    assert.deepEqual(
      diagnostics.filter((d) => d.severity === 1 || d.severity === 2),
      [],
    );
  });

  it('completes Lmod functions with snippets', async () => {
    const text = 'prep';
    const uri = await client.open(join(root, 'modules/tool/complete.lua'), text);
    const result = (await client.connection.sendRequest('textDocument/completion', {
      textDocument: { uri },
      position: { line: 0, character: 4 },
    })) as CompletionItem[] | CompletionList;
    const items = Array.isArray(result) ? result : result.items;
    const prepend = items.find((i) => i.label === 'prepend_path');
    assert.ok(prepend, 'prepend_path offered');
    assert.equal(prepend.insertTextFormat, 2, 'as a snippet');
    assert.match(prepend.textEdit?.newText ?? prepend.insertText ?? '', /\$\{1/);
  });

  it('completes environment variable names inside os.getenv("', async () => {
    const text = "local x = os.getenv('";
    const uri = await client.open(join(root, 'modules/tool/getenv.lua'), text);
    const result = (await client.connection.sendRequest('textDocument/completion', {
      textDocument: { uri },
      position: { line: 0, character: text.length },
    })) as CompletionItem[] | CompletionList;
    const labels = (Array.isArray(result) ? result : result.items).map((i) => i.label);
    assert.ok(labels.includes('SING_IMAGE'));
    assert.ok(labels.includes('PROJHOME'));
  });

  it('hovers Lmod documentation and resolved paths', async () => {
    const text = moduleText(
      root,
      `setenv('SING_IMAGE', pathJoin(root, 'sif', 'tool.sif'))\nprepend_path('PATH', pathJoin(root, 'bin'))\n`,
    );
    const uri = await client.open(join(root, 'modules/tool/hover.lua'), text);
    const onSetenv = (await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line: 1, character: 2 },
    })) as Hover;
    assert.ok(onSetenv, 'hover on setenv');
    assert.match(JSON.stringify(onSetenv.contents), /setenv/);
    const onPath = (await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      // On the `)` closing pathJoin: inside the whole path expression, outside its arguments.
      position: { line: 1, character: text.split('\n')[1].indexOf("'))") + 1 },
    })) as Hover;
    assert.ok(onPath, 'hover on the pathJoin expression');
    assert.ok(
      JSON.stringify(onPath.contents).includes(join(root, 'sif', 'tool.sif')),
      JSON.stringify(onPath.contents),
    );
  });

  it("hovers a finding's explanation and its page, in a modulefile and in a wrapper", async () => {
    const hoverAt = async (uri: string, position: { line: number; character: number }) =>
      JSON.stringify(
        (
          (await client.connection.sendRequest('textDocument/hover', {
            textDocument: { uri },
            position,
          })) as Hover
        )?.contents ?? null,
      );
    const text = moduleText(
      root,
      `setenv('SING_IMAGE', pathJoin(root, 'sif', 'tool.sif'))\nprepen_path('PATH', 'x')\n`,
    );
    const uri = await client.open(join(root, 'modules/tool/why.lua'), text);
    const typo = (await client.diagnostics(uri)).find((d) => d.code === 'unknown-function');
    assert.ok(typo, 'unknown-function published');
    const onTypo = await hoverAt(uri, typo.range.start);
    assert.match(onTypo, /unknown-function/);
    assert.ok(onTypo.includes('attempt to call a nil value'), onTypo);
    assert.ok(onTypo.includes('unknown-function.md'), 'the code page linked: ' + onTypo);
    // Where no finding stands, no explanation.
    const onSetenv = await hoverAt(uri, { line: 1, character: 2 });
    assert.doesNotMatch(onSetenv, /unknown-function|attempt to call/);

    const wrapperUri = await client.open(join(root, 'bin', 'why'), wrapperWithUnquotedArgs());
    const unquoted = (
      await client.diagnostics(wrapperUri, (d) => d.some((x) => x.code === 'wrapper-unquoted-args'))
    ).find((d) => d.code === 'wrapper-unquoted-args')!;
    const onWrapper = await hoverAt(wrapperUri, unquoted.range.start);
    assert.ok(onWrapper.includes('Unquoted $@ splits arguments'), onWrapper);
    assert.equal(await hoverAt(wrapperUri, { line: 0, character: 0 }), 'null');
  });

  it('offers a quick fix that removes the diagnostic', async () => {
    // With SING_IMAGE set, the renamed call reveals no other finding (fixes that add one are not offered).
    const text = moduleText(
      root,
      `setenv('SING_IMAGE', pathJoin(root, 'sif', 'tool.sif'))\nprepen_path('PATH', pathJoin(root, 'bin'))\nsetenv('CC', 'gcc')\n`,
    );
    const uri = await client.open(join(root, 'modules/tool/fix.lua'), text);
    const diagnostics = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'unknown-function'));
    const unknown = diagnostics.find((d) => d.code === 'unknown-function')!;
    assert.match(unknown.message, /prepend_path/);
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: unknown.range,
      context: { diagnostics: [unknown] },
    })) as CodeAction[];
    assert.ok(actions.length > 0, 'a quick fix is offered');
    const edits = actions[0].edit!.changes![uri];
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'lua', 1, text), edits);
    assert.match(fixed, /^prepend_path\('PATH'/m);
    client.change(uri, fixed);
    const after = await client.diagnostics(uri);
    assert.ok(!after.some((d) => d.code === 'unknown-function'), `still: ${codes(after)}`);
  });

  it('checks wrapper scripts and re-checks the module when its wrapper changes', async () => {
    const modulePath = join(root, 'modules/tool/deps.lua');
    const wrapperPath = join(root, 'bin', 'python');
    const moduleUri = await client.open(
      modulePath,
      moduleText(
        root,
        `setenv('SING_IMAGE', pathJoin(root, 'sif', 'tool.sif'))\nprepend_path('PATH', pathJoin(root, 'bin'))\n`,
      ),
    );
    const first = await client.diagnostics(moduleUri);
    assert.ok(!first.some((d) => d.code === 'missing-with-conda'), `before: ${codes(first)}`);

    // The wrapper starts using WITH_CONDA in the editor (unsaved): the module now lacks it.
    const wrapperUri = await client.open(wrapperPath, GOOD_WRAPPER);
    await client.diagnostics(wrapperUri);
    client.change(
      wrapperUri,
      GOOD_WRAPPER.replace('exec "$cmd" "$@"', 'eval "$WITH_CONDA"\n  exec "$cmd" "$@"'),
    );
    const second = await client.diagnostics(moduleUri, (d) => d.some((x) => x.code === 'missing-with-conda'));
    assert.equal(second.find((d) => d.code === 'missing-with-conda')!.severity, 2);

    client.change(wrapperUri, wrapperWithUnquotedArgs());
    const wrapperDiagnostics = await client.diagnostics(wrapperUri, (d) =>
      d.some((x) => x.code === 'wrapper-unquoted-args'),
    );
    assert.equal(wrapperDiagnostics.find((d) => d.code === 'wrapper-unquoted-args')!.severity, 1);
  });

  it('survives junk input and keeps answering', async () => {
    let junk = '';
    for (let i = 0; i < 5000; i++) junk += String.fromCharCode((i * 7919) % 0xd7ff);
    const uri = await client.open(join(root, 'modules/tool/junk.lua'), junk);
    const diagnostics = await client.diagnostics(uri);
    assert.ok(diagnostics.some((d: Diagnostic) => d.code === 'lua-syntax'));
    const hover = await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line: 999, character: 999 },
    });
    assert.equal(hover, null);
    assert.equal(client.process.exitCode, null, 'server still running');
  });
});

describe('language server settings without workspace/configuration', () => {
  it('keeps the previous value of a setting the client sends malformed, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lumi-lsp-bad-setting-'));
    writeProject(dir);
    const other = await startServer({
      rootPath: dir,
      pullConfiguration: false,
      settings: { lumiModules: { env: { PROJHOME: join(dir, 'nowhere') } } },
    });
    try {
      const warnings: string[] = [];
      other.connection.onNotification('window/logMessage', (p: { type: number; message: string }) => {
        if (p.type === 2) warnings.push(p.message);
      });
      const text = `local root = os.getenv('PROJHOME') or '/nonexistent'\nsetenv('SING_IMAGE', pathJoin(root, 'sif', 'tool.sif'))\n`;
      const uri = await other.open(join(dir, 'modules/tool/1.0.lua'), text);
      await other.diagnostics(uri);
      await other.connection.sendNotification('workspace/didChangeConfiguration', {
        settings: { lumiModules: { env: { PROJHOME: 5 }, luaVersion: '9.9' } },
      });
      const deadline = Date.now() + 10_000;
      while (warnings.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(
        warnings.some((w) => w.includes('lumiModules.env.PROJHOME')),
        warnings.join('\n'),
      );
      assert.ok(
        warnings.some((w) => w.includes('lumiModules.luaVersion')),
        warnings.join('\n'),
      );
      // A fresh analysis after the change still resolves PROJHOME to the value from before.
      other.change(uri, text + '\n');
      const diagnostics = await other.diagnostics(uri);
      const notFound = diagnostics.find((d) => d.code === 'path-not-found');
      // (The message shortens the temporary directory in the middle; the value's tail is kept.)
      assert.ok(notFound?.message.endsWith('/nowhere/sif/tool.sif'), JSON.stringify(diagnostics));
    } finally {
      await other.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes lumiModules settings from initializationOptions (editors like Neovim)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lumi-lsp-init-'));
    writeProject(dir);
    const other = await startServer({
      rootPath: dir,
      pullConfiguration: false,
      settings: { lumiModules: { env: { PROJHOME: join(dir, 'nowhere') } } },
    });
    try {
      const uri = await other.open(
        join(dir, 'modules/tool/1.0.lua'),
        `local root = os.getenv('PROJHOME') or '/nonexistent'\nsetenv('SING_IMAGE', pathJoin(root, 'sif', 'tool.sif'))\nprepend_path('PATH', pathJoin(root, 'bin'))\n`,
      );
      const diagnostics = await other.diagnostics(uri);
      const notFound = diagnostics.find((d) => d.code === 'path-not-found' && d.severity === 1);
      assert.ok(
        notFound,
        `expected the image to be missing under PROJHOME from the settings: ${codes(diagnostics)}`,
      );
      assert.ok(notFound.message.includes(join(dir, 'nowhere')), notFound.message);
    } finally {
      await other.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
