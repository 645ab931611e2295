// The language server applies configuration (lumiModules.diagnostics.severity over the project's
// .lumi-modules.json, inline suppressions) and offers only fixes that pass a re-check, "ignore on
// this line" for every finding (ShellCheck's too); ShellCheck is not re-run for unchanged text.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { codes, startServer, type TestClient } from '../helpers/lspClient';
import { findExecutable } from '../../core/common/which';

let root: string;
let client: TestClient;
let shellcheckLog: string;

const WRAPPER = `#!/bin/bash
if [ -z "\${SING_IMAGE:-}" ]; then echo "load the module" >&2; exit 1; fi
if [ -d /.singularity.d ]; then exec python "$@"; fi
export SINGULARITYENV_VIRTUAL_ENV="\${VIRTUAL_ENV:-}"
# shellcheck disable=SC2034
exec singularity exec $SING_IMAGE python "$@"
`;

async function actionsFor(uri: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
  return (await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic] },
  })) as CodeAction[];
}

function apply(uri: string, text: string, action: CodeAction): string {
  return TextDocument.applyEdits(TextDocument.create(uri, 'x', 1, text), action.edit!.changes![uri]);
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'lumi-lsp-config-'));
  mkdirSync(join(root, 'modules/tool'), { recursive: true });
  mkdirSync(join(root, 'bin'));
  writeFileSync(
    join(root, '.lumi-modules.json'),
    JSON.stringify({ severity: { 'unused-local': 'off', 'unknown-function': 'error' } }),
  );
  // A ShellCheck that logs each analysis (not --version) and runs the real one.
  shellcheckLog = join(root, 'shellcheck.log');
  const counting = join(root, 'counting-shellcheck');
  writeFileSync(
    counting,
    `#!/bin/bash\n[ "$1" = --version ] || echo run >> '${shellcheckLog}'\nexec '${findExecutable('shellcheck', process.env.PATH)}' "$@"\n`,
  );
  chmodSync(counting, 0o755);
  // The ShellCheck program comes from the user's side only (initializationOptions), never from
  // workspace/configuration.
  client = await startServer({
    rootPath: root,
    settings: {
      shellcheck: { enable: true },
      diagnostics: { severity: { 'unknown-function': 'information' } },
    },
    initializationOptions: { lumiModules: { shellcheck: { path: counting } } },
  });
});

after(async () => {
  await client?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('language server: configuration', () => {
  it("settings win over .lumi-modules.json for a code; the file's other codes apply", async () => {
    const uri = await client.open(
      join(root, 'modules/tool/1.lua'),
      `local unused = 1\nprepen_path('PATH', '/x')\n`,
    );
    const diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
    assert.deepEqual(codes(diagnostics), ['unknown-function'], 'unused-local is off in the project file');
    assert.equal(diagnostics[0].severity, 3, 'information from the settings, not error from the file');
  });

  it('inline suppression, and a hint for one that suppresses nothing', async () => {
    const uri = await client.open(
      join(root, 'modules/tool/2.lua'),
      `-- lumi-modules: ignore unknown-function\nprepen_path('PATH', '/x')\nsetenv('CC', 'gcc') -- lumi-modules: ignore wrong-arguments\n`,
    );
    const diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
    assert.deepEqual(
      diagnostics.map((d) => `${d.range.start.line}:${d.code}:${d.severity}`),
      ['2:unused-suppression:4'],
    );
  });
});

describe('language server: fixes re-checked before they are offered', () => {
  it('drops a rename that would add a finding and offers "ignore on this line", which removes the finding and adds none', async () => {
    const text = `prepen_path('PATH')\n`; // prepend_path('PATH') would be wrong-arguments
    const uri = await client.open(join(root, 'modules/tool/3.lua'), text);
    const diagnostic = (await client.diagnostics(uri, (d) => d.length > 0)).find(
      (d) => d.code === 'unknown-function',
    )!;
    const actions = await actionsFor(uri, diagnostic);
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Ignore unknown-function on this line'],
    );
    const fixed = apply(uri, text, actions[0]);
    assert.equal(fixed, `-- lumi-modules: ignore unknown-function\nprepen_path('PATH')\n`);
    client.change(uri, fixed);
    assert.deepEqual(await client.diagnostics(uri), []);
    // A safe rename stays offered, first (the directory exists: no path-not-found appears).
    const ok = `prepen_path('PATH', '${root}')\n`;
    const okUri = await client.open(join(root, 'modules/tool/4.lua'), ok);
    const okDiagnostic = (await client.diagnostics(okUri, (d) => d.length > 0)).find(
      (d) => d.code === 'unknown-function',
    )!;
    assert.deepEqual(
      (await actionsFor(okUri, okDiagnostic)).map((a) => a.title),
      ['Rename to prepend_path', 'Ignore unknown-function on this line'],
    );
  });

  it('ShellCheck findings get "ignore on this line" extending the disable comment above; ShellCheck runs once per text', async () => {
    const path = join(root, 'bin', 'python');
    const uri = await client.open(path, WRAPPER);
    const diagnostics = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'SC2086'));
    const sc = diagnostics.find((d) => d.code === 'SC2086')!;
    assert.equal(sc.source, 'shellcheck');
    const actions = await actionsFor(uri, sc);
    const ignore = actions.find((a) => a.title === 'Ignore SC2086 on this line')!;
    assert.ok(ignore, actions.map((a) => a.title).join());
    assert.ok(
      actions.some((a) => a.title === "Apply ShellCheck's fix for SC2086"),
      "ShellCheck's own fix passes the re-check here",
    );
    const fixed = apply(uri, WRAPPER, ignore);
    assert.ok(fixed.includes('# shellcheck disable=SC2034,SC2086\nexec singularity'), fixed);
    client.change(uri, fixed);
    const after = await client.diagnostics(uri, (d) => !d.some((x) => x.code === 'SC2086'));
    assert.ok(!after.some((d) => d.code === 'SC2086'), codes(after).join());

    // Back to the first text: its ShellCheck result is reused, not computed again.
    const runs = () => readFileSync(shellcheckLog, 'utf8').split('\n').filter(Boolean).length;
    await new Promise((r) => setTimeout(r, 300));
    const before = runs();
    client.change(uri, WRAPPER);
    await client.diagnostics(uri, (d) => d.some((x) => x.code === 'SC2086'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(runs(), before, 'no ShellCheck run for a text it has seen');
  });
});
