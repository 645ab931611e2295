// The execution interface (executor.ts) over the kept SSH connection: each command in a login
// shell on the host, files read and uploaded over SFTP. SSH failures stay SshError (exit 255 in the
// CLI).
import { randomBytes } from 'node:crypto';
import { afterMarker, buildCancelCommand, buildLoginCommand, loginShell } from './command';
import { SshError, type SshConnection } from './connection';
import { FileMissingError, parseStopAnswer, type Executor } from './executor';
import { SftpSession } from './sftp';
import { sftpUploadFileSystem, uploadHashed } from './upload';

function collect(): { push: (c: Buffer) => void; text: () => string } {
  const chunks: Buffer[] = [];
  return { push: (c) => void chunks.push(c), text: () => Buffer.concat(chunks).toString('utf8') };
}

async function withSftp<T>(connection: SshConnection, fn: (sftp: SftpSession) => Promise<T>): Promise<T> {
  const sftp = await SftpSession.open(connection);
  try {
    return await fn(sftp);
  } finally {
    sftp.end();
  }
}

export function sshExecutor(connection: SshConnection): Executor {
  const host = connection.host;
  // The client's heartbeat: twice per ServerAliveInterval; the remote gives up after the same
  // silence that makes this side declare the link dead, plus one interval.
  const heartbeatMs = Math.max(500, Math.floor(host.keepaliveIntervalMs / 2));
  return {
    where: host.alias,
    id: `${host.user}@${host.hostname}:${host.port}`,
    heartbeatTimeoutSeconds: Math.ceil((host.keepaliveIntervalMs * (host.keepaliveCountMax + 1)) / 1000),

    async run(argv, options = {}) {
      const out = collect();
      const err = collect();
      const marker = `\x1elumi-modules-${randomBytes(8).toString('hex')}`;
      const result = await connection.exec(buildLoginCommand(argv, options, marker), {
        onStdout: out.push,
        onStderr: err.push,
      });
      return {
        code: result.code,
        stdout: afterMarker(out.text(), marker),
        stderr: afterMarker(err.text(), marker),
      };
    },

    async stream(script, args, output, options = {}) {
      let heartbeat: NodeJS.Timeout | undefined;
      try {
        const result = await connection.exec(loginShell(script, args, options.name), {
          onStdout: output.stdout,
          onStderr: output.stderr,
          signal: options.signal,
          onStdin: options.heartbeat
            ? (write) => {
                heartbeat = setInterval(() => write('\n'), heartbeatMs);
                heartbeat.unref();
              }
            : undefined,
        });
        return result.code;
      } finally {
        clearInterval(heartbeat);
      }
    },

    async stopGroup(pidFile, waitSeconds) {
      let out = '';
      try {
        await connection.exec(buildCancelCommand(pidFile, waitSeconds), {
          onStdout: (c) => void (out += c.toString()),
        });
      } catch (err) {
        return { state: 'failed', reason: (err as Error).message };
      }
      return parseStopAnswer(out);
    },

    upload: (content, name, mode) =>
      withSftp(connection, (sftp) =>
        uploadHashed(sftpUploadFileSystem(connection, sftp), content, name, mode),
      ),

    read: (path, { offset, maxBytes }) =>
      withSftp(connection, async (sftp) => {
        const st = await sftp.statIfExists(path);
        if (!st) throw new FileMissingError(path);
        const start = offset === undefined ? Math.max(0, st.size - maxBytes) : Math.min(offset, st.size);
        return { bytes: await sftp.readRange(path, start, maxBytes), offset: start };
      }),

    lost: (err) => err instanceof SshError && !connection.isOpen,
  };
}
