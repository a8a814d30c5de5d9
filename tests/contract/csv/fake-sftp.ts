import type SftpClient from 'ssh2-sftp-client';
import type { SftpApi } from '../../../connectors/csv/source/index.ts';

interface FakeFile {
  data: Buffer;
  modifyTime: number;
}

/**
 * An in-memory SFTP server behind the ssh2-sftp-client methods the connector uses, with the
 * protocol's semantics: plain rename refuses an existing target, posixRename replaces it.
 */
export class FakeSftp implements SftpApi {
  readonly files = new Map<string, FakeFile>();
  readonly dirs = new Set<string>(['/']);
  readonly calls: string[] = [];
  connectOptions?: SftpClient.ConnectOptions;
  ended = false;
  private clock = 1_700_000_000_000;

  constructor(private readonly password = 'secret') {}

  addFile(path: string, content: string | Buffer): void {
    this.files.set(path, { data: Buffer.from(content), modifyTime: this.tick() });
    for (let dir = parent(path); dir !== '/'; dir = parent(dir)) this.dirs.add(dir);
  }

  async connect(options: SftpClient.ConnectOptions) {
    this.calls.push('connect');
    this.connectOptions = options;
    if (options.password !== this.password) throw new Error('All configured authentication methods failed');
    return {} as Awaited<ReturnType<SftpClient['connect']>>;
  }

  async exists(path: string) {
    if (this.dirs.has(path)) return 'd' as const;
    return this.files.has(path) ? ('-' as const) : false;
  }

  async list(path: string): Promise<SftpClient.FileInfo[]> {
    this.calls.push(`list ${path}`);
    const info = (name: string, type: '-' | 'd', size: number, modifyTime: number): SftpClient.FileInfo => ({
      type,
      name,
      size,
      modifyTime,
      accessTime: modifyTime,
      rights: { user: 'rw', group: 'r', other: 'r' },
      owner: 1000,
      group: 1000,
    });
    const files = [...this.files].filter(([name]) => parent(name) === path);
    const dirs = [...this.dirs].filter((name) => name !== '/' && parent(name) === path);
    return [
      ...files.map(([name, file]) => info(leaf(name), '-', file.data.length, file.modifyTime)),
      ...dirs.map((name) => info(leaf(name), 'd', 4096, this.clock)),
    ];
  }

  async get(path: string) {
    this.calls.push(`get ${path}`);
    const file = this.files.get(path);
    if (!file) throw Object.assign(new Error(`get: No such file ${path}`), { code: 2 });
    return Buffer.from(file.data);
  }

  async put(input: string | Buffer | NodeJS.ReadableStream, path: string) {
    this.calls.push(`put ${path}`);
    if (!this.dirs.has(parent(path)))
      throw Object.assign(new Error(`put: No such file ${path}`), { code: 2 });
    this.files.set(path, { data: Buffer.from(input as Buffer), modifyTime: this.tick() });
    return 'uploaded';
  }

  async rename(from: string, to: string) {
    this.calls.push(`rename ${from} ${to}`);
    if (this.files.has(to)) throw new Error(`rename: Failure ${to}`);
    return this.posixRenameQuietly(from, to);
  }

  async posixRename(from: string, to: string) {
    this.calls.push(`posixRename ${from} ${to}`);
    return this.posixRenameQuietly(from, to);
  }

  async mkdir(path: string) {
    this.calls.push(`mkdir ${path}`);
    for (let dir = path; dir !== '/'; dir = parent(dir)) this.dirs.add(dir);
    return 'created';
  }

  async delete(path: string, noErrorOK = false) {
    this.calls.push(`delete ${path}`);
    if (!this.files.delete(path) && !noErrorOK)
      throw Object.assign(new Error(`No such file ${path}`), { code: 2 });
    return 'deleted';
  }

  async end() {
    this.ended = true;
    return true;
  }

  private tick(): number {
    this.clock += 1000;
    return this.clock;
  }

  private posixRenameQuietly(from: string, to: string) {
    const file = this.files.get(from);
    if (!file) throw Object.assign(new Error(`rename: No such file ${from}`), { code: 2 });
    if (!this.dirs.has(parent(to))) throw Object.assign(new Error(`rename: No such file ${to}`), { code: 2 });
    this.files.delete(from);
    this.files.set(to, file);
    return 'renamed';
  }
}

function parent(path: string): string {
  const index = path.lastIndexOf('/');
  return index <= 0 ? '/' : path.slice(0, index);
}

function leaf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
