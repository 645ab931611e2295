// Keyboard-interactive (2FA-style) login after the key, against a real sshd whose PAM asks a
// question: the prompt reaches the user (ConnectPrompts.keyboardInteractive), a right answer logs
// in, a wrong or missing one fails with a clear error; the CLI without a terminal refuses clearly.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, SshError, type ConnectPrompts } from '../../core/remote/connection';
import { resolveHost } from '../../core/remote/sshConfig';
import { runCli } from '../helpers/cli';
import { startSshd, type SshdFixture } from '../helpers/sshd';

const SECRET = 'second factor 123';
let sshd: SshdFixture;
let config: string;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-2fa-'));
  sshd = await startSshd({ secondFactorPassword: SECRET });
  config = sshd.writeSshConfig('lumi-2fa', { knownHostsFile: sshd.knownHostsFile('known') });
});
after(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function prompts(answer: string | undefined, seen: string[]): ConnectPrompts {
  return {
    confirmUnknownHost: async () => false,
    passphrase: async () => undefined,
    keyboardInteractive: async (q) => {
      seen.push(...q.prompts.map((p) => `${p.prompt}|echo=${p.echo}`));
      return answer === undefined ? undefined : q.prompts.map(() => answer);
    },
  };
}

describe('keyboard-interactive second factor', () => {
  it('shows the server prompt and logs in with the right answer', async () => {
    const seen: string[] = [];
    const host = await resolveHost('lumi-2fa', config, { ...process.env, SSH_AUTH_SOCK: '' });
    const connection = await connect(host, prompts(SECRET, seen));
    try {
      let out = '';
      const result = await connection.exec('echo logged-in', { onStdout: (c) => (out += c) });
      assert.equal(result.code, 0);
      assert.equal(out, 'logged-in\n');
    } finally {
      connection.close();
    }
    assert.equal(seen.length, 1);
    assert.match(seen[0], /^Password: ?\|echo=false$/);
  });

  it('a wrong or refused answer fails with a clear error', async () => {
    const host = await resolveHost('lumi-2fa', config, { ...process.env, SSH_AUTH_SOCK: '' });
    for (const answer of ['wrong', undefined]) {
      await assert.rejects(
        connect(host, prompts(answer, [])),
        (err: Error) => err instanceof SshError && /permission denied/.test(err.message),
        `answer ${answer}`,
      );
    }
  });

  it('the CLI without a terminal does not hang on the prompt', () => {
    const script = join(dir, 'x.py');
    writeFileSync(script, 'print(1)\n');
    const r = runCli(['run', '--host', 'lumi-2fa', '--ssh-config', config, script], {
      env: { SSH_AUTH_SOCK: '' },
    });
    assert.equal(r.code, 255);
    assert.match(r.stderr, /permission denied.*the login prompt "Password:" was not answered/);
  });
});
