import { createHash } from 'node:crypto';
import type SftpClient from 'ssh2-sftp-client';
import { HubError } from '../../../core/errors/index.ts';
import type { SftpSourceConfig } from '../config.ts';
import { baseName, dirName, type FileSource, joinPath, stampedName, temporaryName } from './types.ts';

/** The part of ssh2-sftp-client this source uses; tests hand in a fake with the same shape. */
export type SftpApi = Pick<
  SftpClient,
  'connect' | 'list' | 'get' | 'put' | 'rename' | 'posixRename' | 'mkdir' | 'exists' | 'delete' | 'end'
>;

async function createDefaultClient(): Promise<SftpApi> {
  const { default: Client } = await import('ssh2-sftp-client');
  return new Client('throughput-hub');
}

function connectOptions(config: SftpSourceConfig): SftpClient.ConnectOptions {
  const expected = config.hostKeySha256?.replace(/^SHA256:/, '').replace(/=+$/, '');
  return {
    host: config.host,
    port: config.port,
    username: config.username,
    password: config.password,
    privateKey: config.privateKey,
    passphrase: config.passphrase,
    readyTimeout: config.readyTimeoutMs,
    ...(expected
      ? {
          hostVerifier: (key: Buffer) =>
            createHash('sha256').update(key).digest('base64').replace(/=+$/, '') === expected,
        }
      : {}),
  };
}

function classifySftpError(error: unknown, what: string): HubError {
  const { message, code } = error as { message?: string; code?: string | number };
  const text = message ?? String(error);
  if (/authentication|All configured authentication methods failed/i.test(text)) {
    return new HubError('auth', 'sftp_auth', `${what}: the server refused the user name or key`, {
      cause: error,
    });
  }
  if (/host key|hostVerifier|Host denied/i.test(text)) {
    return new HubError(
      'config',
      'sftp_host_key',
      `${what}: the server's host key does not match hostKeySha256`,
      { cause: error },
    );
  }
  if (code === 2 || /No such file/i.test(text)) {
    return new HubError('not_found', 'sftp_not_found', `${what}: ${text}`, { cause: error });
  }
  return new HubError('transient', 'sftp_error', `${what}: ${text}`, { cause: error });
}

export async function createSftpSource(
  config: SftpSourceConfig,
  createClient: () => Promise<SftpApi> = createDefaultClient,
): Promise<FileSource> {
  const client = await createClient();
  const remote = (path: string) => joinPath(config.path, path);
  const guard = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw error instanceof HubError ? error : classifySftpError(error, what);
    }
  };
  await guard(`SFTP ${config.host}`, () => client.connect(connectOptions(config)));
  return {
    label: `sftp://${config.host}:${config.port}${config.path}`,
    list: (dir) =>
      guard(`list ${remote(dir)}`, async () => {
        if ((await client.exists(remote(dir))) !== 'd') return [];
        const entries = await client.list(remote(dir));
        return entries
          .filter((entry) => entry.type === '-')
          .map((entry) => ({ name: entry.name, size: entry.size, mtimeMs: entry.modifyTime }));
      }),
    read: (path) =>
      guard(`read ${remote(path)}`, async () => {
        const data = await client.get(remote(path));
        if (!Buffer.isBuffer(data)) throw new Error('the SFTP client did not return the file content');
        return data;
      }),
    moveInto: (path, toDir) =>
      guard(`move ${remote(path)}`, async () => {
        if (!(await client.exists(remote(toDir)))) await client.mkdir(remote(toDir), true);
        let target = joinPath(toDir, baseName(path));
        if (await client.exists(remote(target))) target = joinPath(toDir, stampedName(baseName(path)));
        await client.rename(remote(path), remote(target));
        return target;
      }),
    remove: (path) =>
      guard(`delete ${remote(path)}`, async () => void (await client.delete(remote(path), true))),
    writeAtomic: (path, data) =>
      guard(`write ${remote(path)}`, async () => {
        const temporary = remote(temporaryName(path));
        if (!(await client.exists(remote(dirName(path))))) await client.mkdir(remote(dirName(path)), true);
        await client.put(data, temporary);
        // posix-rename@openssh.com replaces the target in one step; plain SFTP rename refuses to.
        await client.posixRename(temporary, remote(path));
      }),
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}
