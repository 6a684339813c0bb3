// Runs fn every ms while the page is shown, for pages that follow live figures. A hidden tab
// skips its turns: nobody reads it, and every turn is a round of broker requests on the server.
import { useEffect, useRef } from 'react';

export function useEvery(ms: number | undefined, fn: () => void): void {
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => {
    if (ms === undefined || ms <= 0) return;
    const timer = setInterval(() => {
      if (document.visibilityState !== 'hidden') latest.current();
    }, ms);
    return () => clearInterval(timer);
  }, [ms]);
}
