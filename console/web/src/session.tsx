// Who is logged in and which cluster environment the pages look at. The session cookie is
// HttpOnly, so on load the app asks api/session whether it is still valid; the CSRF token comes
// back with it and lives in memory only.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { call, onUnauthenticated, setCsrfToken } from './api.js';
import type { Env, Session, User } from './types.js';

const ENV_KEY = 'kitemq.console.env';

export interface SessionState {
  user: User;
  envs: Env[];
  /** The env id every data call sends; the first env until the user picks another. */
  env: string;
  setEnv: (id: string) => void;
  logout: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (s === null) throw new Error('useSession outside a logged-in shell');
  return s;
}

export function useIsAdmin(): boolean {
  return useSession().user.role === 'admin';
}

type Phase = { kind: 'checking' } | { kind: 'out' } | { kind: 'in'; user: User; envs: Env[] };

export interface SessionGate {
  phase: Phase;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

async function enter(s: Session): Promise<Phase> {
  setCsrfToken(s.csrfToken);
  const envs = await call<Env[]>('GET', 'envs');
  return { kind: 'in', user: s.user, envs };
}

export function useSessionGate(): SessionGate {
  const [phase, setPhase] = useState<Phase>({ kind: 'checking' });
  useEffect(() => {
    onUnauthenticated(() => {
      setCsrfToken(null);
      setPhase({ kind: 'out' });
    });
    call<Session>('GET', 'session')
      .then(enter)
      .then(setPhase, () => setPhase({ kind: 'out' }));
  }, []);
  const login = useCallback(async (username: string, password: string) => {
    const s = await call<Session>('POST', 'login', { body: { username, password } });
    setPhase(await enter(s));
  }, []);
  const logout = useCallback(async () => {
    try {
      await call('POST', 'logout');
    } finally {
      setCsrfToken(null);
      setPhase({ kind: 'out' });
    }
  }, []);
  return { phase, login, logout };
}

interface ProviderProps {
  user: User;
  envs: Env[];
  logout: () => Promise<void>;
  children: ReactNode;
}

export function SessionProvider(props: ProviderProps) {
  const { user, envs, logout } = props;
  const [env, setEnvState] = useState(() => {
    const stored = localStorage.getItem(ENV_KEY);
    return envs.some((e) => e.id === stored) ? (stored ?? '') : (envs[0]?.id ?? '');
  });
  const setEnv = useCallback((id: string) => {
    localStorage.setItem(ENV_KEY, id);
    setEnvState(id);
  }, []);
  return (
    <SessionContext.Provider value={{ user, envs, env, setEnv, logout }}>
      {props.children}
    </SessionContext.Provider>
  );
}
