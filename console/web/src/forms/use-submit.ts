// A write form's send: the browser's own checks first (a problem refuses with nothing sent),
// then the call, busy meanwhile, and its refusal shown by FormProblems when the server says no.
import { useState } from 'react';
import { type Refusal, refusalOf } from './form-problems.js';
import type { Problem } from './form-rules.js';

export function useSubmit() {
  const [refusal, setRefusal] = useState<Refusal>();
  const [busy, setBusy] = useState(false);
  const submit = <T>(local: Problem[], send: () => Promise<T>, then: (r: T) => void) => {
    if (local.length > 0) return setRefusal({ local });
    setRefusal(undefined);
    setBusy(true);
    send()
      .then(then, (e: unknown) => setRefusal(refusalOf(e)))
      .finally(() => setBusy(false));
  };
  return { refusal, busy, submit };
}
