import { useCallback, useRef, useState } from 'react';
import { api } from '../../api/client';

/** A draft older than this is stale: the problem she meant is likely reported or gone. */
const KEEP_MS = 7 * 24 * 60 * 60 * 1000;
/** Typing keeps the session alive (the server signs out after 30 idle minutes), asked at most this often. */
const TOUCH_EVERY_MS = 5 * 60 * 1000;

interface Stored<T> {
  savedAt: number;
  values: Partial<T>;
}

let lastTouch = 0;

/** One cheap authenticated request, so a session she is typing in does not time out under her. */
function touchSession(now: number) {
  if (now - lastTouch < TOUCH_EVERY_MS) return;
  lastTouch = now;
  void api.GET('/api/v1/auth/me').catch(() => undefined);
}

/** The kept values under `key`, if some text was kept and not too long ago. */
function readDraft<T>(key: string | null): Partial<T> | null {
  if (key === null) return null;
  try {
    const raw = localStorage.getItem(key);
    if (raw === null) return null;
    const stored = JSON.parse(raw) as Stored<T>;
    if (typeof stored.savedAt !== 'number' || Date.now() - stored.savedAt > KEEP_MS) {
      localStorage.removeItem(key);
      return null;
    }
    const hasText = Object.values(stored.values).some((v) => typeof v === 'string' && v.trim() !== '');
    return hasText ? stored.values : null;
  } catch {
    return null;
  }
}

export interface FormDraft<T> {
  /** what she left last time, to spread over the form's initial values (null: nothing kept) */
  restored: Partial<T> | null;
  /** the form was filled from a draft and she has not started over: say so */
  isRestored: boolean;
  /** call from the form's onValuesChange with all values: keeps the fields named in `fields` */
  keep: (values: T) => void;
  /** forget the draft: once sent, or when she starts over */
  clear: () => void;
}

/**
 * Keeps what she types in a form in this browser, under her account, so a reload, a lost
 * connection or a session that expired while she typed does not lose it (MIIT 适老化: enough time,
 * nothing changes under her before she is done). Only the named fields are kept: photos cannot be,
 * and a phone number is better typed again than left on a shared phone. `owner` is her user id;
 * without one nothing is kept. Typing also keeps her session alive.
 */
export function useFormDraft<T extends object>({
  name,
  owner,
  fields,
}: {
  name: string;
  owner: string | undefined;
  fields: readonly (keyof T)[];
}): FormDraft<T> {
  const key = owner === undefined ? null : `tz.draft.${name}.${owner}`;
  // read once, as the form first renders: the form starts from it, nothing is filled in afterwards
  const [restored] = useState(() => readDraft<T>(key));
  const [isRestored, setRestored] = useState(restored !== null);
  const fieldsRef = useRef(fields);

  const keep = useCallback(
    (all: T) => {
      if (key === null) return;
      const now = Date.now();
      touchSession(now);
      const values: Partial<T> = {};
      for (const field of fieldsRef.current) values[field] = all[field];
      try {
        localStorage.setItem(key, JSON.stringify({ savedAt: now, values } satisfies Stored<T>));
      } catch {
        // storage full or private mode: the form still works, only the draft is not kept
      }
    },
    [key],
  );

  const clear = useCallback(() => {
    try {
      if (key !== null) localStorage.removeItem(key);
    } catch {
      // private mode: nothing was kept
    }
    setRestored(false);
  }, [key]);

  return { restored, isRestored, keep, clear };
}
