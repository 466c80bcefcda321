import crypto from 'node:crypto';

/** A new signing secret: 32 random bytes, prefixed so that one found lying around says what it is. */
export function generateSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64url')}`;
}

/**
 * The signature of one delivery, as docs/webhooks.md tells receivers to check it:
 * `sha256=` + hex HMAC-SHA256 over `<timestamp>.<body>`, keyed with the whole secret (UTF-8).
 */
export function signDelivery(secret: string, timestamp: string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
