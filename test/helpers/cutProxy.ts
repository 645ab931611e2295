// A TCP proxy on 127.0.0.1 (a free port) in front of a test server that cuts the link after a
// number of bytes: the fault a dropped VPN, a rebooted login node or a NAT timeout gives a client
// in the middle of an upload or a run. Counts bytes per direction over the proxy's whole life (all
// connections together); once a limit is passed, every open connection is destroyed at once (both
// sockets, no FIN to the server first) and the port is closed (new connections are refused).
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface CutProxy {
  port: number;
  /** Bytes forwarded so far, client to server and server to client. */
  readonly up: number;
  readonly down: number;
  /** True once the link was cut. */
  readonly cut: boolean;
  /** Cuts the link now. */
  cutNow(): void;
  close(): Promise<void>;
}

export interface CutLimits {
  /** Cut once this many bytes went from the client to the server (the upload direction). */
  up?: number;
  /** Cut once this many bytes went from the server to the client (the run's output). */
  down?: number;
}

export async function startCutProxy(targetPort: number, limits: CutLimits): Promise<CutProxy> {
  const sockets = new Set<Socket>();
  let up = 0;
  let down = 0;
  let cut = false;
  const cutNow = () => {
    if (!cut) server.close(); // the host is gone: later connections are refused
    cut = true;
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  const server: Server = createServer((client) => {
    if (cut) return void client.destroy();
    const target = connect({ host: '127.0.0.1', port: targetPort });
    sockets.add(client);
    sockets.add(target);
    const pipe = (from: Socket, to: Socket, count: (n: number) => boolean) => {
      from.on('data', (chunk: Buffer) => {
        if (cut) return;
        if (count(chunk.length)) return cutNow();
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
      from.on('end', () => to.end());
      from.on('error', () => to.destroy());
      from.on('close', () => sockets.delete(from));
    };
    pipe(client, target, (n) => {
      up += n;
      return limits.up !== undefined && up >= limits.up;
    });
    pipe(target, client, (n) => {
      down += n;
      return limits.down !== undefined && down >= limits.down;
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    get up() {
      return up;
    },
    get down() {
      return down;
    },
    get cut() {
      return cut;
    },
    cutNow,
    close() {
      const closed = new Promise<void>((resolve) =>
        server.listening ? server.close(() => resolve()) : resolve(),
      );
      cutNow();
      return closed;
    },
  };
}
