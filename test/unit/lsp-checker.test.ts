// The server's DocumentChecker over the real file system: what one check asks of the disk.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { makeEnv, realFileSystem, type FileSystemView } from '../../core/analysis/env';
import type { Finding } from '../../core/analysis/types';
import { DocumentChecker } from '../../server/checker';

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'lumi-checker-'));
  mkdirSync(join(root, 'modules', 'tool'), { recursive: true });
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('DocumentChecker', () => {
  it('asks the disk about a path once per check however often the module names it, and afresh on the next check', async () => {
    const message = join(root, 'load.txt');
    // 40 copies of one module in one file: the same root and message file named 40 times each.
    const text =
      `local root = "${root}"\nLmodMessage(capture("cat " .. pathJoin(root, "load.txt")))\n`.repeat(40);
    const doc = TextDocument.create(
      pathToFileURL(join(root, 'modules', 'tool', '1.0.lua')).href,
      'lua',
      1,
      text,
    );
    const kindCalls = new Map<string, number>();
    const countingFs: FileSystemView = {
      ...realFileSystem,
      kind: (path) => {
        kindCalls.set(path, (kindCalls.get(path) ?? 0) + 1);
        return realFileSystem.kind(path);
      },
    };
    const published: Finding[][] = [];
    const checker = new DocumentChecker({
      document: (uri) => (uri === doc.uri ? doc : undefined),
      openDocuments: () => [doc],
      env: () => makeEnv({ processEnv: {}, fs: countingFs }),
      publish: (_uri, _version, findings) => void published.push(findings),
      log: (m) => assert.fail(m),
    });
    const notFound = () => published[published.length - 1].filter((f) => f.code === 'path-not-found').length;

    await checker.check(doc.uri, 'edit');
    assert.equal(kindCalls.get(message), 1);
    assert.equal(notFound(), 40);

    // The file appears: the next check looks again (the snapshot lives for one analysis only).
    writeFileSync(message, 'Loaded\n');
    await checker.check(doc.uri, 'dependant');
    assert.equal(kindCalls.get(message), 2);
    assert.equal(notFound(), 0);
    checker.dispose();
  });
});
