import { maskPhone } from '../../../platform/pii/crypto.ts';
import { renderMessage } from '../kinds.ts';
import type { ChannelAdapter, OutgoingMessage, SendOutcome } from './types.ts';

export interface LoggedMessage {
  channel: string;
  kind: string;
  to: string;
  text: string;
  params: Record<string, string>;
}

/**
 * The default for every external channel: writes what would be sent to the server log, so a laptop
 * demo runs with no account (a sign-up code is read from the log). The number is masked; the last
 * messages are kept for the demo and tests.
 */
export class LogAdapter implements ChannelAdapter {
  readonly name: string;
  readonly recent: LoggedMessage[] = [];
  constructor(
    readonly channel: 'sms' | 'wechat',
    private readonly log: (line: string) => void,
  ) {
    this.name = `log:${channel}`;
  }

  send(message: OutgoingMessage): Promise<SendOutcome> {
    const to = this.channel === 'sms' ? maskPhone(message.to) : `${message.to.slice(0, 4)}…`;
    const text = renderMessage(message.kind, message.params, 'zh');
    this.log(`[messages] ${this.channel} to ${to} (${message.kind}): ${text} — log adapter, nothing sent`);
    this.recent.push({ channel: this.channel, kind: message.kind, to: message.to, text, params: message.params });
    if (this.recent.length > 1000) this.recent.shift();
    return Promise.resolve({ status: 'sent', providerId: null });
  }
}
