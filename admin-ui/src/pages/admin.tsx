import { type FormEvent, useState } from 'react';
import { can, del, get, type Me, type Page, patch, post } from '../api.ts';
import { ErrorLine, when } from '../components.tsx';
import { useLoad } from '../hooks.ts';
import { useT } from '../i18n.ts';

interface User {
  id: string;
  email: string;
  role: string;
  disabled: boolean;
}
interface Token {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
}

function Users() {
  const t = useT();
  const users = useLoad(() => get<Page<User>>('/api/users?limit=500'), []);
  const [error, setError] = useState<string>();
  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      await post('/api/users', {
        email: form.get('email'),
        role: form.get('role'),
        password: form.get('password'),
      });
      users.reload();
    } catch (caught) {
      setError((caught as Error).message);
    }
  };
  return (
    <div className="card">
      <h3>{t('users')}</h3>
      <table>
        <tbody>
          {users.data?.items.map((user) => (
            <tr key={user.id}>
              <td>{user.email}</td>
              <td>
                <select
                  value={user.role}
                  onChange={(e) =>
                    patch(`/api/users/${user.id}`, { role: e.target.value }).then(
                      users.reload,
                      (err: Error) => setError(err.message),
                    )
                  }
                >
                  <option>viewer</option>
                  <option>operator</option>
                  <option>admin</option>
                </select>
              </td>
              <td>
                <label className="inline">
                  <input
                    type="checkbox"
                    checked={user.disabled}
                    onChange={(e) =>
                      patch(`/api/users/${user.id}`, { disabled: e.target.checked }).then(
                        users.reload,
                        (err: Error) => setError(err.message),
                      )
                    }
                  />{' '}
                  {t('disabled')}
                </label>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="filters" onSubmit={create}>
        <input name="email" type="email" placeholder={t('email')} required />
        <select name="role">
          <option>viewer</option>
          <option>operator</option>
          <option>admin</option>
        </select>
        <input name="password" type="password" placeholder={t('password')} minLength={10} required />
        <button type="submit">{t('create')}</button>
      </form>
      <ErrorLine error={error ?? users.error} />
    </div>
  );
}

function Tokens({ me }: { me: Me }) {
  const t = useT();
  const tokens = useLoad(() => get<Page<Token>>('/api/tokens?limit=500'), []);
  const [shown, setShown] = useState<string>();
  const scopes = [
    'read',
    ...(can(me, 'operator') ? ['operate'] : []),
    ...(can(me, 'admin') ? ['admin'] : []),
  ];
  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const created = await post<{ token: string }>('/api/tokens', {
      name: form.get('name'),
      scopes: [form.get('scope')],
    });
    setShown(created.token);
    tokens.reload();
  };
  return (
    <div className="card">
      <h3>{t('tokens')}</h3>
      {shown && (
        <p className="notice">
          {t('tokenShownOnce')} <code data-testid="new-token">{shown}</code>
        </p>
      )}
      <table>
        <tbody>
          {tokens.data?.items.map((token) => (
            <tr key={token.id}>
              <td>{token.name}</td>
              <td>{token.scopes.join(', ')}</td>
              <td>{when(token.lastUsedAt)}</td>
              <td>
                {token.revokedAt ? (
                  `revoked ${when(token.revokedAt)}`
                ) : (
                  <button type="button" onClick={() => del(`/api/tokens/${token.id}`).then(tokens.reload)}>
                    {t('revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="filters" onSubmit={create}>
        <input name="name" placeholder={t('name')} required />
        <select name="scope">
          {scopes.map((scope) => (
            <option key={scope}>{scope}</option>
          ))}
        </select>
        <button type="submit">{t('create')}</button>
      </form>
    </div>
  );
}

function Audit() {
  const t = useT();
  const audit = useLoad(() => get<Page<AuditEntry>>('/api/audit?limit=100'), [], 5000);
  return (
    <div className="card">
      <h3>{t('audit')}</h3>
      <table>
        <tbody>
          {audit.data?.items.map((entry) => (
            <tr key={entry.id}>
              <td>{when(entry.at)}</td>
              <td>{entry.actor}</td>
              <td>{entry.action}</td>
              <td>{entry.target}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AdminPage({ me }: { me: Me }) {
  return (
    <section>
      {can(me, 'admin') && <Users />}
      <Tokens me={me} />
      {can(me, 'admin') && <Audit />}
    </section>
  );
}
