// Host key verification against OpenSSH known_hosts files. Lookup goes through `ssh-keygen -F`,
// which understands hashed entries (`|1|salt|hash`), wildcards and `[host]:port` exactly as ssh.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadExeca } from '../common/execa';

export interface HostKey {
  /** Key type from the wire blob, e.g. `ssh-ed25519`. */
  type: string;
  blob: Buffer;
}

export type HostKeyStatus =
  | { status: 'known'; file: string; line: number }
  | { status: 'unknown'; otherTypes: string[] }
  | { status: 'changed'; file: string; line: number; knownType: string }
  | { status: 'revoked'; file: string; line: number };

export function hostKeyFromBlob(blob: Buffer): HostKey {
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  return { type: blob.subarray(4, 4 + len).toString('latin1'), blob };
}

/** `SHA256:...` as OpenSSH prints it (unpadded base64 of the SHA-256 of the key blob). */
export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** The name known_hosts uses for HOST:PORT (`[host]:port` unless the port is 22). */
export function knownHostsName(hostname: string, port: number): string {
  return port === 22 ? hostname : `[${hostname}]:${port}`;
}

interface Entry {
  file: string;
  line: number;
  marker?: string;
  type: string;
  key: string;
}

async function lookup(name: string, file: string): Promise<Entry[]> {
  if (!existsSync(file)) return [];
  const { execa } = await loadExeca();
  const r = await execa('ssh-keygen', ['-F', name, '-f', file], { reject: false, stdin: 'ignore' });
  // Exit 1 means "not found"; output pairs a `# Host NAME found: line N` comment with the entry.
  const entries: Entry[] = [];
  let line = 0;
  for (const text of String(r.stdout).split('\n')) {
    const found = /^# Host .* found: line (\d+)/.exec(text);
    if (found) {
      line = Number(found[1]);
      continue;
    }
    if (text.trim() === '' || text.startsWith('#')) continue;
    const fields = text.trim().split(/\s+/);
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
    if (fields.length >= 3) entries.push({ file, line, marker, type: fields[1], key: fields[2] });
  }
  return entries;
}

/** Looks the presented key up in every file, the way ssh decides known / changed / unknown. */
export async function checkHostKey(
  hostname: string,
  port: number,
  key: HostKey,
  files: readonly string[],
): Promise<HostKeyStatus> {
  const name = knownHostsName(hostname, port);
  const presented = key.blob.toString('base64');
  const entries = (await Promise.all(files.map((f) => lookup(name, f)))).flat();
  const revoked = entries.find((e) => e.marker === '@revoked' && e.key === presented);
  if (revoked) return { status: 'revoked', file: revoked.file, line: revoked.line };
  const plain = entries.filter((e) => e.marker === undefined);
  const match = plain.find((e) => e.type === key.type && e.key === presented);
  if (match) return { status: 'known', file: match.file, line: match.line };
  const changed = plain.find((e) => e.type === key.type);
  if (changed) return { status: 'changed', file: changed.file, line: changed.line, knownType: changed.type };
  return { status: 'unknown', otherTypes: [...new Set(plain.map((e) => e.type))] };
}

/** A hashed known_hosts name as OpenSSH writes it (HashKnownHosts): `|1|salt|HMAC-SHA1(salt, name)`. */
export function hashedHostName(name: string, salt: Buffer = randomBytes(20)): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

/**
 * Appends HOST's key to a known_hosts file (what ssh does after "yes" or with accept-new), hashed when
 * HASHED.
 */
export function addKnownHost(
  file: string,
  hostname: string,
  port: number,
  key: HostKey,
  hashed = false,
): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const name = knownHostsName(hostname, port);
  appendFileSync(
    file,
    `${hashed ? hashedHostName(name) : name} ${key.type} ${key.blob.toString('base64')}\n`,
    { mode: 0o600 },
  );
}
