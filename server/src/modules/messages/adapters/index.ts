import type { Clock } from '../../../platform/clock.ts';
import type { MessagesConfig } from '../config.ts';
import type { Channel } from '../kinds.ts';
import { AliyunSmsAdapter } from './aliyun.ts';
import { LogAdapter } from './log.ts';
import { TencentSmsAdapter } from './tencent.ts';
import type { ChannelAdapter } from './types.ts';
import { WechatSubscribeAdapter } from './wechat.ts';

/** The adapter of each external channel (in-app needs none: writing the row delivers it). */
export type ChannelAdapters = Record<Exclude<Channel, 'in_app'>, ChannelAdapter>;

/** The adapters the configuration chooses; `log` for any channel without a provider. */
export function createAdapters(config: MessagesConfig, clock: Clock, log: (line: string) => void): ChannelAdapters {
  const sms =
    config.sms.provider === 'aliyun'
      ? new AliyunSmsAdapter(config.sms.aliyun, clock)
      : config.sms.provider === 'tencent'
        ? new TencentSmsAdapter(config.sms.tencent, clock)
        : new LogAdapter('sms', log);
  const wechat =
    config.wechat.provider === 'wechat'
      ? new WechatSubscribeAdapter(config.wechat.wechat, clock)
      : new LogAdapter('wechat', log);
  return { sms, wechat };
}
