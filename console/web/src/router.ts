// Hash routes (#/topics/TopicTest): the server serves one index.html at its base path and needs
// no fallback route, and a reverse proxy never sees the page path.
import { useSyncExternalStore } from 'react';

export type Route =
  | { page: 'dashboard' }
  | { page: 'cluster' }
  | { page: 'topics' }
  | { page: 'topic'; topic: string }
  | { page: 'groups' }
  | { page: 'group'; group: string }
  | { page: 'messages' }
  | { page: 'dlq' }
  | { page: 'transactions' }
  | { page: 'alerts' }
  | { page: 'audit' };

export const PAGES = [
  'dashboard',
  'cluster',
  'topics',
  'groups',
  'messages',
  'dlq',
  'transactions',
  'alerts',
  'audit',
] as const;
export type PageName = (typeof PAGES)[number];

/** Pages that take no name: the hash is the page. */
const PLAIN = ['cluster', 'messages', 'dlq', 'transactions', 'alerts', 'audit'] as const;
type PlainPage = (typeof PLAIN)[number];
const isPlain = (p: string | undefined): p is PlainPage => PLAIN.some((x) => x === p);

export function parseRoute(hash: string): Route {
  const [page, arg] = hash.replace(/^#\/?/, '').split('/', 2);
  const name = arg === undefined || arg === '' ? undefined : decodeURIComponent(arg);
  switch (page) {
    case 'topics':
      return name === undefined ? { page: 'topics' } : { page: 'topic', topic: name };
    case 'groups':
      return name === undefined ? { page: 'groups' } : { page: 'group', group: name };
    default:
      // The dashboard is the landing page: an empty or unknown hash opens it.
      return isPlain(page) ? { page } : { page: 'dashboard' };
  }
}

export function href(page: PageName, name?: string): string {
  return name === undefined ? `#/${page}` : `#/${page}/${encodeURIComponent(name)}`;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): Route {
  return parseRoute(useSyncExternalStore(subscribe, () => window.location.hash));
}
