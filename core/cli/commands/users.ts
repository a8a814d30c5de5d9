import type { Command } from 'commander';
import { loadEnv } from '../../config/env.ts';
import { HubError } from '../../errors/index.ts';
import { type Role, roleSchema, roles } from '../../security/roles.ts';
import { createUser, listUsers } from '../../security/users.ts';
import { openStore, storeOptionsFromEnv } from '../../store/index.ts';
import { recordAudit } from '../../store/repos/audit.ts';
import { reported } from '../report-error.ts';

interface CreateOptions {
  email: string;
  role: string;
  password?: string;
}

async function withStore<T>(fn: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const store = await openStore(storeOptionsFromEnv(loadEnv()));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function roleOption(value: string): Role {
  const parsed = roleSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const message = `--role must be one of ${roles.join(', ')}, not "${value}"`;
  throw new HubError('invalid_data', 'invalid_role', message, { fieldPath: 'role' });
}

export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('Local users of the admin UI and API');
  users
    .command('create')
    .description('Create a user; the first admin of a new hub is made this way')
    .requiredOption('--email <email>', 'sign-in email')
    .option('--role <role>', 'viewer, operator or admin', 'viewer')
    .option('--password <password>', 'at least 10 characters (default: read THUB_PASSWORD)')
    .action(
      reported('users create', async (options: CreateOptions) => {
        const role = roleOption(options.role);
        const password = options.password ?? process.env.THUB_PASSWORD;
        if (!password)
          throw new HubError('invalid_data', 'password_missing', 'Give --password or set THUB_PASSWORD');
        const user = await withStore(async (store) => {
          const created = await createUser(store.db, { email: options.email, role, password });
          await recordAudit(store.db, {
            actor: 'cli',
            action: 'user.create',
            target: created.id,
            details: { email: created.email, role },
          });
          return created;
        });
        process.stdout.write(`Created ${user.role} ${user.email} (${user.id})\n`);
      }),
    );
  users
    .command('list')
    .description('List users')
    .action(
      reported('users list', async () => {
        const { items } = await withStore((store) => listUsers(store.db, { limit: 500, offset: 0 }));
        for (const user of items)
          process.stdout.write(`${user.email}\t${user.role}${user.disabled ? '\tdisabled' : ''}\n`);
      }),
    );
}
