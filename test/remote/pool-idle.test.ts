// The kept connections (core/remote/pool.ts) follow a changed idle timeout while they live, as the
// editor's context (client/ctx.ts) applies lumiModules.run.idleTimeoutSeconds when it changes:
// against a real OpenSSH sshd (127.0.0.1, free port).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConnectPrompts } from '../../core/remote/connection';
import { ConnectionPool, type ConnectionState } from '../../core/remote/pool';
import { startSshd, type SshdFixture } from '../helpers/sshd';

const refuseAll: ConnectPrompts = {
  confirmUnknownHost: async () => false,
  passphrase: async () => undefined,
  keyboardInteractive: async () => undefined,
};

let sshd: SshdFixture;
let config: string;

before(async () => {
  sshd = await startSshd();
  config = sshd.writeSshConfig('lumi-pool', { knownHostsFile: sshd.knownHostsFile('known') });
});
after(async () => {
  await sshd?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pool(idleTimeoutMs: number) {
  const states: ConnectionState[] = [];
  const p = new ConnectionPool(refuseAll, { idleTimeoutMs, onState: (_host, state) => states.push(state) });
  return { pool: p, states };
}

describe('connection pool: a changed idle timeout', { timeout: 60_000 }, () => {
  it('a shorter one closes the idle connection after the new value, not the old one', async () => {
    const { pool: p, states } = pool(60_000);
    try {
      const connection = await p.acquire('lumi-pool', config);
      p.release('lumi-pool', config);
      await sleep(200);
      assert.equal(connection.isOpen, true, 'closed before the timeout changed');
      p.setIdleTimeout(1000);
      await sleep(400);
      assert.equal(connection.isOpen, true, 'closed before the new timeout was over');
      await sleep(1200);
      assert.equal(connection.isOpen, false, 'still open after the new idle timeout');
      assert.ok(states.includes('idle-closed'), states.join(', '));
      // The next user gets a new connection; the new value holds for it too.
      const next = await p.acquire('lumi-pool', config);
      assert.notEqual(next, connection);
      p.release('lumi-pool', config);
      await sleep(1500);
      assert.equal(next.isOpen, false, 'a later idle connection kept the old timeout');
    } finally {
      p.dispose();
    }
  });

  it('a longer one keeps the idle connection beyond the old value; one in use is never closed', async () => {
    const { pool: p } = pool(500);
    try {
      const connection = await p.acquire('lumi-pool', config);
      p.setIdleTimeout(1);
      await sleep(300);
      assert.equal(connection.isOpen, true, 'a connection in use was closed');
      p.release('lumi-pool', config);
      p.setIdleTimeout(60_000);
      await sleep(1200);
      assert.equal(connection.isOpen, true, 'closed after the old timeout although the new one is longer');
      p.setIdleTimeout(0);
      await sleep(300);
      assert.equal(connection.isOpen, false, 'idle longer than the new timeout, yet still open');
    } finally {
      p.dispose();
    }
  });
});
