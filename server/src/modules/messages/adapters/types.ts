/** One message as an adapter sends it: the address is decrypted, nothing else personal is in it. */
export interface OutgoingMessage {
  id: string;
  kind: string;
  /** a mobile number (SMS) or an openid (WeChat) */
  to: string;
  params: Record<string, string>;
}

/**
 * What became of one send: delivered to the provider; worth trying again later (throttled, the
 * provider or the network down); or refused for good (bad number, unknown template, not subscribed).
 * `error` is the provider's code, never the message or its address.
 */
export type SendOutcome =
  | { status: 'sent'; providerId: string | null }
  | { status: 'retry'; error: string; retryAfterMs?: number }
  | { status: 'failed'; error: string };

/** Every external channel's one interface. */
export interface ChannelAdapter {
  readonly name: string;
  send(message: OutgoingMessage): Promise<SendOutcome>;
}

/** How long an adapter waits for a provider before trying again later. */
export const PROVIDER_TIMEOUT_MS = 10_000;

/** A network failure (refused, reset, timed out) is worth a retry; its code names it, nothing more. */
export function networkFailure(error: unknown): SendOutcome {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : error instanceof Error ? error.name : 'network error';
  return { status: 'retry', error: `network: ${code}` };
}

/** A provider's answer: its HTTP status and its body read as JSON (null when it is not JSON). */
export interface ProviderReply {
  httpStatus: number;
  body: unknown;
}

/** Calls a provider with the shared timeout; a network failure comes back as a retry. */
export async function callProvider(url: URL, init: RequestInit): Promise<ProviderReply | SendOutcome> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
  } catch (error) {
    return networkFailure(error);
  }
  const body: unknown = await response.json().catch(() => null);
  return { httpStatus: response.status, body };
}

/** An answer without the provider's own code: its HTTP status decides (5xx and 429 may pass, the rest will not). */
export function httpFailure(provider: string, httpStatus: number): SendOutcome {
  const error = `${provider} HTTP ${httpStatus}`;
  return httpStatus >= 500 || httpStatus === 429 ? { status: 'retry', error } : { status: 'failed', error };
}
