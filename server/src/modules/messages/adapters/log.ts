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
 * demo runs with no account (a sign-up code is read from the log). The number is masked in the log.
 * Only an adapter built with `keep` (tests) holds its last messages in memory, whole: the server's
 * keeps none, so no decrypted number or code lingers in the process.
 */
export class LogAdapter implements ChannelAdapter {
  readonly name: string;
  readonly recent: LoggedMessage[] = [];
  constructor(
    readonly channel: 'sms' | 'wechat',
    private readonly log: (line: string) => void,
    /** how many sent messages `recent` holds (0: none) */
    private readonly keep = 0,
  ) {
    this.name = `log:${channel}`;
  }

  send(message: OutgoingMessage): Promise<SendOutcome> {
    const to = this.channel === 'sms' ? maskPhone(message.to) : `${message.to.slice(0, 4)}…`;
    const text = renderMessage(message.kind, message.params, 'zh');
    this.log(`[messages] ${this.channel} to ${to} (${message.kind}): ${text} — log adapter, nothing sent`);
    if (this.keep > 0) {
      this.recent.push({ channel: this.channel, kind: message.kind, to: message.to, text, params: message.params });
      if (this.recent.length > this.keep) this.recent.shift();
    }
    return Promise.resolve({ status: 'sent', providerId: null });
  }
}
