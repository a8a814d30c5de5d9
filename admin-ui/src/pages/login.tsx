import { type FormEvent, useEffect, useState } from 'react';
import { get, type Me, post } from '../api.ts';
import { LangSwitch } from '../app.tsx';
import { ErrorLine } from '../components.tsx';
import { useT } from '../i18n.ts';

export function LoginPage({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const t = useT();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [hasUsers, setHasUsers] = useState(true);
  useEffect(() => {
    get<{ hasUsers: boolean }>('/api/auth/status').then(
      (status) => setHasUsers(status.hasUsers),
      () => undefined,
    );
  }, []);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      onSignedIn(await post<Me>('/api/auth/login', { email, password }));
    } catch (caught) {
      setError((caught as Error).message);
    }
  };
  return (
    <form className="login card" onSubmit={submit}>
      <h1>{t('appName')}</h1>
      <label>
        {t('email')}
        <input
          name="email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
      </label>
      <label>
        {t('password')}
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      <ErrorLine error={error} />
      <button type="submit" className="primary">
        {t('signIn')}
      </button>
      {!hasUsers && (
        <p className="muted">
          {t('noUsers')}{' '}
          <code>npx thub users create --email you@example.com --role admin --password '…'</code>
        </p>
      )}
      <LangSwitch />
    </form>
  );
}
