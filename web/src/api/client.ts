import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export type ErrorBody = components['schemas']['Error'];
export type FieldError = NonNullable<ErrorBody['errors']>[number];

/** A non-2xx answer from the server, carrying its stable code and both-language messages. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly message_zh: string;
  readonly message_en: string;
  readonly errors: FieldError[];

  constructor(status: number, body: Partial<ErrorBody> | undefined) {
    const fallback = fallbackMessage(status);
    super(body?.message_en ?? fallback.en);
    this.status = status;
    this.code = body?.code ?? (status === 0 ? 'NETWORK' : 'UNKNOWN');
    this.message_zh = body?.message_zh ?? fallback.zh;
    this.message_en = body?.message_en ?? fallback.en;
    this.errors = body?.errors ?? [];
  }
}

function fallbackMessage(status: number): { zh: string; en: string } {
  if (status === 0) return { zh: '无法连接服务器，请检查网络', en: 'Cannot reach the server; check the network' };
  if (status >= 500) return { zh: '服务器出错，请稍后再试', en: 'Server error; please try again later' };
  return { zh: `请求失败（${status}）`, en: `Request failed (${status})` };
}

/** Codes that change what the whole app shows: signed out, or a password change forced. */
export type AuthProblem = 'UNAUTHENTICATED' | 'PASSWORD_CHANGE_REQUIRED';
const authListeners = new Set<(problem: AuthProblem) => void>();

export function onAuthProblem(listener: (problem: AuthProblem) => void): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

export function readCsrfToken(): string | undefined {
  const entry = document.cookie.split('; ').find((part) => part.startsWith('tz_csrf='));
  return entry === undefined ? undefined : decodeURIComponent(entry.slice('tz_csrf='.length));
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const api = createClient<paths>({ baseUrl: '/', credentials: 'same-origin' });

api.use({
  onRequest({ request }) {
    if (!UNSAFE_METHODS.has(request.method)) return undefined;
    const token = readCsrfToken();
    if (token !== undefined) request.headers.set('x-csrf-token', token);
    return request;
  },
  onError() {
    return new ApiError(0, undefined);
  },
});

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

function isErrorBody(value: unknown): value is Partial<ErrorBody> {
  return typeof value === 'object' && value !== null && ('code' in value || 'message_zh' in value);
}

/** Resolves to the body of a 2xx answer; throws an ApiError for anything else. */
export async function unwrap<T>(pending: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (response.ok) return data as T;
  const apiError = new ApiError(response.status, isErrorBody(error) ? error : undefined);
  if (apiError.code === 'UNAUTHENTICATED' || apiError.code === 'PASSWORD_CHANGE_REQUIRED') {
    for (const listener of authListeners) listener(apiError.code);
  }
  throw apiError;
}

/**
 * A request outside the typed client (multipart uploads, file downloads): same cookies and CSRF
 * header, and the same ApiError for a non-2xx answer.
 */
export async function sendRaw(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const method = (init.method ?? 'GET').toUpperCase();
  const token = readCsrfToken();
  if (UNSAFE_METHODS.has(method) && token !== undefined) headers.set('x-csrf-token', token);
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, undefined);
  }
  if (response.ok) return response;
  const body: unknown = await response.json().catch(() => undefined);
  const apiError = new ApiError(response.status, isErrorBody(body) ? body : undefined);
  if (apiError.code === 'UNAUTHENTICATED' || apiError.code === 'PASSWORD_CHANGE_REQUIRED') {
    for (const listener of authListeners) listener(apiError.code);
  }
  throw apiError;
}

/** The file name a download answer proposes (RFC 5987 `filename*` first). */
export function attachmentName(response: Response, fallback: string): string {
  const disposition = response.headers.get('content-disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  if (encoded !== undefined) return decodeURIComponent(encoded);
  return /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? fallback;
}

/** Fetches a file (GET, or POST with a JSON body) and hands it to the browser as a download. */
export async function downloadFile(path: string, fallbackName: string, jsonBody?: unknown): Promise<void> {
  const response = await sendRaw(
    path,
    jsonBody === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(jsonBody) },
  );
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = attachmentName(response, fallbackName);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
