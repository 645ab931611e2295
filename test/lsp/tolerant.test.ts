// The language server keeps its features through a syntax error (tolerant parsing), analyses
// documents opened in the first message burst once the bash parser is ready, and survives a
// malformed request. A real LSP client over stdio against dist/server.js (`npm run build` first).
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type {
  CodeAction,
  CompletionItem,
  CompletionList,
  DocumentSymbol,
  Hover,
  SignatureHelp,
} from 'vscode-languageserver-protocol';
import { spawn } from 'node:child_process';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { codes, serverBundle, startServer, type TestClient } from '../helpers/lspClient';

const WRAPPER = '#!/bin/bash\nexec singularity exec "$SING_IMAGE" python "$@"\n';

let root: string;
let client: TestClient;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'lumi-lsp-tolerant-'));
  for (const d of ['modules/tool', 'bin', 'sif', 'txt']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'sif', 'tool.sif'), '');
  writeFileSync(join(root, 'txt', 'load.txt'), 'Loaded\n');
  writeFileSync(join(root, 'bin', 'python'), WRAPPER);
  chmodSync(join(root, 'bin', 'python'), 0o755);
  client = await startServer({
    rootPath: root,
    settings: { env: { PROJHOME: root }, shellcheck: { enable: false } },
  });
});

after(async () => {
  await client?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('language server with a syntax error in the document', () => {
  it('opens a wrapper in the first message burst and analyses it once the bash parser is ready', async () => {
    // The client sent `initialized` just before: this didOpen arrives while the wasm parser loads.
    const uri = await client.open(
      join(root, 'bin', 'early'),
      '#!/bin/bash\nexec singularity exec "$SING_IMAGE" python $@\n',
    );
    const diagnostics = await client.diagnostics(uri);
    assert.ok(
      !codes(diagnostics).includes('internal-error'),
      `no internal error: ${JSON.stringify(diagnostics)}`,
    );
    assert.ok(
      codes(diagnostics).includes('wrapper-unquoted-args'),
      `real wrapper findings: ${codes(diagnostics)}`,
    );
  });

  it('keeps findings, hover, completion, signature help, symbols, definition and quick fixes before and after line N', async () => {
    const lines = [
      `local root = '${root}'`, // 0
      `setenv('SING_IMAGE', pathJoin(root, 'sif', 'tool.sif'))`, // 1
      `prepend_pth('PATH', pathJoin(root, 'bin'))`, // 2: unknown-function (typo) before the error
      `local broken = pathJoin(root, 'x'`, // 3: the unclosed '('
      `setenv('AFTER', 'value')`, // 4: Lua reports the error here
      `setenv('ONLY_NAME')`, // 5: wrong-arguments after the error
      `local msg = capture('cat ' .. pathJoin(root, 'txt', 'load.txt'))`, // 6
      `prepend_path('PATH', pathJoin(root, 'bin'))`, // 7
      `pathJoin(`, // 8: half-typed call at the end
    ];
    const uri = await client.open(join(root, 'modules/tool/1.0.lua'), lines.join('\n') + '\n');
    const diagnostics = await client.diagnostics(uri);
    const syntax = diagnostics.find((d) => d.code === 'lua-syntax');
    assert.ok(syntax, `a syntax error: ${codes(diagnostics)}`);
    assert.equal(syntax.range.start.line, 4);
    assert.equal(syntax.message, "')' expected (to close '(' at line 4) near 'setenv'");
    const unknown = diagnostics.find((d) => d.code === 'unknown-function');
    assert.equal(unknown?.range.start.line, 2, `unknown-function before the error: ${codes(diagnostics)}`);
    assert.ok(
      diagnostics.some((d) => d.code === 'wrong-arguments' && d.range.start.line === 5),
      `wrong-arguments after the error: ${codes(diagnostics)}`,
    );

    const hover = (line: number, character: number) =>
      client.connection.sendRequest('textDocument/hover', {
        textDocument: { uri },
        position: { line, character },
      }) as Promise<Hover | null>;
    assert.match(JSON.stringify((await hover(1, 2))?.contents), /setenv/, 'hover before the error');
    assert.match(JSON.stringify((await hover(5, 2))?.contents), /setenv/, 'hover after the error');
    assert.match(
      JSON.stringify((await hover(6, 40))?.contents),
      /load\.txt/,
      'hover on a path after the error',
    );

    const completion = (await client.connection.sendRequest('textDocument/completion', {
      textDocument: { uri },
      position: { line: 7, character: 4 },
    })) as CompletionItem[] | CompletionList;
    const items = Array.isArray(completion) ? completion : completion.items;
    assert.ok(
      items.some((i) => i.label === 'prepend_path'),
      'completion after the error',
    );

    const signature = (await client.connection.sendRequest('textDocument/signatureHelp', {
      textDocument: { uri },
      position: { line: 8, character: 9 },
    })) as SignatureHelp | null;
    assert.match(signature?.signatures[0]?.label ?? '', /pathJoin/, 'signature help in the half-typed call');

    const symbols = (await client.connection.sendRequest('textDocument/documentSymbol', {
      textDocument: { uri },
    })) as DocumentSymbol[];
    const symbolLines = symbols.map((s) => s.range.start.line);
    assert.ok(
      symbolLines.includes(1) && symbolLines.includes(7),
      `outline before and after the error: ${JSON.stringify(symbols.map((s) => [s.name, s.range.start.line]))}`,
    );

    const definition = (await client.connection.sendRequest('textDocument/definition', {
      textDocument: { uri },
      position: { line: 6, character: 40 },
    })) as { uri: string }[];
    assert.ok(
      definition.some((l) => l.uri.endsWith('/txt/load.txt')),
      `definition after the error: ${JSON.stringify(definition)}`,
    );

    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: unknown!.range,
      context: { diagnostics: [unknown] },
    })) as CodeAction[];
    assert.ok(
      actions.some((a) => /prepend_path/.test(a.title)),
      `quick fix for the typo: ${JSON.stringify(actions.map((a) => a.title))}`,
    );
  });

  it('answers a didOpen whose URI is not a string with a logged error, and later modules get real findings', async () => {
    const logged: string[] = [];
    client.connection.onNotification('window/logMessage', (p: { message: string }) => logged.push(p.message));
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: 42, languageId: 'lua', version: 1, text: 'setenv("A")\n' },
    });
    // Resolving the image looks at open documents first (the overlay file system).
    const uri = await client.open(
      join(root, 'modules/tool/after.lua'),
      `setenv('SING_IMAGE', '${root}/sif/tool.sif')\nprepend_path('PATH', '${root}/bin')\nsetenv('ONLY_NAME')\n`,
    );
    const diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
    assert.deepEqual(codes(diagnostics), ['wrong-arguments']);
    assert.ok(
      logged.some((m) => /didOpen ignored: the document URI is not a string/.test(m)),
      `the bad request is logged as an error: ${JSON.stringify(logged)}`,
    );
  });

  it('answers hover, symbols, definition, completion and signature help on a 20 MB document without analysing it', async () => {
    const big = `setenv('A', 'b')\n`.repeat(1_250_000);
    const uri = await client.open(join(root, 'modules/tool/huge.lua'), big);
    const diagnostics = await client.diagnostics(uri);
    assert.deepEqual(codes(diagnostics), ['file-too-large']);
    const at = { textDocument: { uri }, position: { line: 3, character: 2 } };
    assert.equal(await client.connection.sendRequest('textDocument/hover', at), null);
    assert.deepEqual(
      await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }),
      [],
    );
    assert.deepEqual(await client.connection.sendRequest('textDocument/definition', at), []);
    const completion = (await client.connection.sendRequest(
      'textDocument/completion',
      at,
    )) as CompletionItem[];
    assert.deepEqual(completion, []);
    assert.equal(await client.connection.sendRequest('textDocument/signatureHelp', at), null);
  });

  it('clears path-not-found when the capture file appears on disk, without touching the module', async () => {
    const message = join(root, 'txt', 'later.txt');
    const uri = await client.open(join(root, 'modules/tool/watch.lua'), `capture('cat ${message}')\n`);
    const before = await client.diagnostics(uri);
    assert.deepEqual(codes(before), ['path-not-found']);
    writeFileSync(message, 'Loaded later\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(message).href, type: 1 }],
    });
    const after = await client.diagnostics(uri, (d) => !codes(d).includes('path-not-found'), 5_000);
    assert.deepEqual(codes(after), []);
  });
});

describe('language server over stdio with a malformed header', () => {
  const body = '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}';
  const cases: [string, string, RegExp][] = [
    ['a non-numeric length', `Content-Length: many\r\n\r\n${body}`, /Content-Length is not a byte count/],
    ['a negative length', `Content-Length: -5\r\n\r\n${body}`, /Content-Length is not a byte count: "-5"/],
    ['lines ended by LF only', `Content-Length: ${body.length}\n\n${body}`, /ends with LF alone/],
    [
      'a line that is no header',
      `Content-Length: ${body.length}\r\nhello\r\n\r\n${body}`,
      /is not "Name: value"/,
    ],
  ];
  for (const [what, frame, why] of cases)
    it(`${what}: ends with one clear line on stderr instead of staying alive but deaf`, async () => {
      const child = spawn(process.execPath, [serverBundle, '--stdio'], { stdio: 'pipe' });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.stdin.write(frame);
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(killer);
      assert.equal(code, 1, `the server exits by itself (stderr: ${stderr})`);
      assert.match(stderr, /^lumi-modules language server: unreadable message from the client \(.*\n$/);
      assert.match(stderr, why);
    });
});

describe('language server file watcher', () => {
  it('registers workspace/didChangeWatchedFiles when the client supports dynamic registration', async () => {
    const child = spawn(process.execPath, [serverBundle, '--stdio'], { stdio: 'pipe' });
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout),
      new StreamMessageWriter(child.stdin),
    );
    const registered = new Promise<string[]>((resolve) => {
      connection.onRequest('client/registerCapability', (params: { registrations: { method: string }[] }) => {
        const methods = params.registrations.map((r) => r.method);
        if (methods.includes('workspace/didChangeWatchedFiles')) resolve(methods);
        return null;
      });
    });
    connection.onNotification('window/logMessage', () => undefined);
    connection.listen();
    try {
      const rootUri = pathToFileURL(root).href;
      await connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri,
        workspaceFolders: [{ uri: rootUri, name: 'root' }],
        capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
      });
      await connection.sendNotification('initialized', {});
      const timeout = new Promise<string[]>((resolve) => setTimeout(() => resolve([]), 10_000).unref());
      assert.ok((await Promise.race([registered, timeout])).includes('workspace/didChangeWatchedFiles'));
    } finally {
      connection.dispose();
      child.kill();
    }
  });
});
