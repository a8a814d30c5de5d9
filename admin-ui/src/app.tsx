import { useCallback, useEffect, useState } from 'react';
import { can, get, type Me, onUnauthorized, post, setCsrfToken } from './api.ts';
import { initialLang, type Lang, LangContext, type TextKey, useT } from './i18n.ts';
import { AdminPage } from './pages/admin.tsx';
import { ConnectionsPage } from './pages/connections.tsx';
import { FailuresPage } from './pages/failures.tsx';
import { LoginPage } from './pages/login.tsx';
import { MappingsPage } from './pages/mappings.tsx';
import { RecordsPage } from './pages/records.tsx';
import { RunsPage } from './pages/runs.tsx';
import { TocPage } from './toc/toc-page.tsx';

const pages: Array<{ key: string; label: TextKey; admin?: boolean }> = [
  { key: 'connections', label: 'connections' },
  { key: 'runs', label: 'runs' },
  { key: 'failures', label: 'failures' },
  { key: 'mappings', label: 'mappings' },
  { key: 'records', label: 'masterData' },
  { key: 'toc', label: 'toc' },
  { key: 'admin', label: 'admin' },
];

/**
 * A page addressed by path (`/toc?board=dbr`, as `thub demo` prints its links) is moved to its
 * hash route before the first render; the server answers every client path with the UI.
 */
export function adoptPathRoute() {
  const page = window.location.pathname.replace(/^\/+|\/+$/g, '');
  if (window.location.hash || !pages.some((item) => item.key === page)) return;
  window.history.replaceState(null, '', `/#/${page}${window.location.search}`);
}

/** `#/failures?connection=crm` → { page: 'failures', params } */
function readHash() {
  const [path, search] = window.location.hash.replace(/^#\/?/, '').split('?');
  return { page: path || 'connections', params: new URLSearchParams(search ?? '') };
}

export function navigate(page: string, params: Record<string, string> = {}) {
  const search = new URLSearchParams(params).toString();
  window.location.hash = `/${page}${search ? `?${search}` : ''}`;
}

/** The page's `params` with `changes` applied, for `navigate`; an empty value drops its key. */
export function withParams(params: URLSearchParams, changes: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries({ ...Object.fromEntries(params), ...changes }).filter(([, value]) => value),
  );
}

function Shell({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const t = useT();
  const [route, setRoute] = useState(readHash);
  useEffect(() => {
    const update = () => setRoute(readHash());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  const { page, params } = route;
  return (
    <div className="shell">
      <nav>
        <h1>{t('appName')}</h1>
        {pages.map((item) => (
          <a
            key={item.key}
            href={`#/${item.key}`}
            className={page === item.key ? 'active' : ''}
            data-testid={`nav-${item.key}`}
          >
            {t(item.label)}
          </a>
        ))}
        {can(me, 'admin') ? <a href="/admin/queues">{t('queues')} ↗</a> : null}
        <a href="/api/docs">{t('apiDocs')} ↗</a>
        <div className="me">
          <span data-testid="me">
            {me.email} · {me.role}
          </span>
          <LangSwitch />
          <button type="button" onClick={onSignOut}>
            {t('signOut')}
          </button>
        </div>
      </nav>
      <main>
        {page === 'connections' && <ConnectionsPage me={me} />}
        {page === 'runs' && <RunsPage params={params} />}
        {page === 'failures' && <FailuresPage me={me} params={params} />}
        {page === 'mappings' && <MappingsPage me={me} params={params} />}
        {page === 'records' && <RecordsPage me={me} params={params} />}
        {page === 'toc' && <TocPage params={params} />}
        {page === 'admin' && <AdminPage me={me} />}
      </main>
    </div>
  );
}

export function LangSwitch() {
  const t = useT();
  return (
    <LangContext.Consumer>
      {({ lang, setLang }) => (
        <button type="button" data-testid="lang" onClick={() => setLang(lang === 'en' ? 'zh' : 'en')}>
          {t('language')}
        </button>
      )}
    </LangContext.Consumer>
  );
}

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [me, setMe] = useState<Me | null>();
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem('thub.lang', next);
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    setLangState(next);
  }, []);
  const signedIn = useCallback((who: Me | null) => {
    setCsrfToken(who?.csrfToken);
    setMe(who);
  }, []);
  useEffect(() => {
    onUnauthorized.handler = () => signedIn(null);
    get<Me>('/api/auth/me').then(signedIn, () => signedIn(null));
  }, [signedIn]);
  const signOut = async () => {
    await post('/api/auth/logout').catch(() => undefined);
    signedIn(null);
  };
  return (
    <LangContext.Provider value={{ lang, setLang }}>
      {me === undefined ? null : me ? (
        <Shell me={me} onSignOut={signOut} />
      ) : (
        <LoginPage onSignedIn={signedIn} />
      )}
    </LangContext.Provider>
  );
}
