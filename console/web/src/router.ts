// Hash routes (#/topics/TopicTest): the server serves one index.html at its base path and needs
// no fallback route, and a reverse proxy never sees the page path.
import { useSyncExternalStore } from 'react';

export type Route =
  | { page: 'cluster' }
  | { page: 'topics' }
  | { page: 'topic'; topic: string }
  | { page: 'groups' }
  | { page: 'group'; group: string }
  | { page: 'audit' };

export type PageName = 'cluster' | 'topics' | 'groups' | 'audit';

export function parseRoute(hash: string): Route {
  const [page, arg] = hash.replace(/^#\/?/, '').split('/', 2);
  const name = arg === undefined || arg === '' ? undefined : decodeURIComponent(arg);
  switch (page) {
    case 'topics':
      return name === undefined ? { page: 'topics' } : { page: 'topic', topic: name };
    case 'groups':
      return name === undefined ? { page: 'groups' } : { page: 'group', group: name };
    case 'audit':
      return { page: 'audit' };
    default:
      return { page: 'cluster' };
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
