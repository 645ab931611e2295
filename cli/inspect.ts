// `lumi-modules inspect IMAGE [--host ALIAS] [--ssh-config FILE] [--format text|json] [--list PATH]`
// The facts of a .sif, a squashfs (.sqsh, Tykky's img.sqfs) or a Tykky installation, read without
// running the container; --list lists a directory inside the image. --host reads the image on
// that host over SFTP, by range reads of the blocks needed.
// Exit: 0; 2 on bad usage or a file that is not an image (or cannot be read); 255 when SSH fails.
import { resolve } from 'node:path';
import { LocalFileSource, SftpSource, type ByteSource } from '../core/image/byteSource';
import { ImageError } from '../core/image/errors';
import { factsOf, localImageFacts, type ImageFacts } from '../core/image/facts';
import { formatFacts } from '../core/image/describe';
import { openImage, tykkyImage, type OpenedImage } from '../core/image/image';
import { runAsync } from '../core/image/io';
import { connect, SshError, type ConnectPrompts } from '../core/remote/connection';
import { resolveHost, SshConfigError } from '../core/remote/sshConfig';
import { parseCommandArgs } from './args';
import { CliIO, UsageError } from './io';
import { readSecret } from './tty';

export const inspectUsage =
  'usage: lumi-modules inspect IMAGE [--host ALIAS] [--ssh-config FILE] [--format text|json] [--list PATH]';

function prompts(io: CliIO): ConnectPrompts {
  return {
    confirmUnknownHost: async () => false,
    passphrase: async (keyFile) =>
      io.isTTY ? readSecret(io, `Enter passphrase for key '${keyFile}': `) : undefined,
    keyboardInteractive: async ({ prompts: asked }) => {
      if (!io.isTTY) return undefined;
      const answers: string[] = [];
      for (const p of asked) answers.push(await readSecret(io, p.prompt, p.echo));
      return answers;
    },
  };
}

async function listing(
  img: OpenedImage,
  path: string,
): Promise<{ name: string; kind: string; size: number; target?: string }[]> {
  const found = await runAsync(img.fs.lookup(path), img.source);
  if (found.inode.kind !== 'dir')
    throw new ImageError('not-found', `${path}: not a directory inside the image`);
  const entries = await runAsync(img.fs.list(found.inode), img.source);
  const out = [];
  for (const e of entries) {
    const inode = await runAsync(img.fs.inode(e.ref), img.source);
    out.push({ name: e.name, kind: inode.kind, size: inode.size, target: inode.target });
  }
  return out;
}

export async function inspectCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    host: { type: 'string' },
    'ssh-config': { type: 'string' },
    format: { type: 'string' },
    list: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(inspectUsage + '\n');
    return 0;
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`--format must be text or json\n${inspectUsage}`);
  if (positionals.length !== 1) throw new UsageError(`one IMAGE is required\n${inspectUsage}`);
  const image = positionals[0];
  const listPath = values.list;
  let source: ByteSource | undefined;
  let close = () => undefined as void;
  try {
    let facts: ImageFacts | undefined;
    let img: OpenedImage;
    if (values.host) {
      const sshConfig = values['ssh-config'];
      const host = await resolveHost(values.host, sshConfig ? resolve(io.cwd, sshConfig) : undefined, io.env);
      const connection = await connect(host, prompts(io));
      close = () => connection.close();
      const sftp = await connection.sftp();
      source = await SftpSource.open(sftp, image, `${values.host}:${image}`);
      img = await runAsync(openImage(source), source);
      if (!listPath) facts = await factsOf(img, `${values.host}:${image}`);
    } else {
      const path = resolve(io.cwd, image);
      if (!listPath) {
        const outcome = localImageFacts(path);
        if (!outcome.ok) throw outcome.error;
        facts = outcome.facts;
        img = undefined as unknown as OpenedImage;
      } else {
        source = LocalFileSource.open(tykkyImage(path) ?? path);
        img = await runAsync(openImage(source), source);
      }
    }
    if (listPath) {
      const entries = await listing(img, listPath);
      if (format === 'json') io.stdout.write(JSON.stringify({ path: listPath, entries }, null, 2) + '\n');
      else
        for (const e of entries)
          io.stdout.write(
            `${e.kind.padEnd(12)} ${String(e.size).padStart(12)}  ${e.name}` +
              `${e.target !== undefined ? ` -> ${e.target}` : ''}\n`,
          );
      return 0;
    }
    io.stdout.write(format === 'json' ? JSON.stringify(facts, null, 2) + '\n' : formatFacts(facts!));
    return 0;
  } catch (err) {
    if (err instanceof ImageError) {
      io.stderr.write(`lumi-modules inspect: ${err.message}\n`);
      return 2;
    }
    if (err instanceof SshError || err instanceof SshConfigError) {
      io.stderr.write(`lumi-modules inspect: ${err.message}\n`);
      return 255;
    }
    throw err;
  } finally {
    source?.close();
    close();
  }
}
