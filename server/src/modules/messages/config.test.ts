import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.ts';

describe('message provider configuration', () => {
  it('uses the log adapters when nothing is set', () => {
    expect(loadConfig({}, '/tmp').messages).toMatchObject({
      sms: { provider: 'log' },
      wechat: { provider: 'log' },
      maxAttempts: 6,
    });
  });

  it('refuses a provider chosen without its keys in one line naming them', () => {
    expect(() => loadConfig({ TIANZIGE_SMS_PROVIDER: 'aliyun' }, '/tmp')).toThrow(ConfigError);
    expect(() => loadConfig({ TIANZIGE_SMS_PROVIDER: 'aliyun' }, '/tmp')).toThrow(
      /TIANZIGE_ALIYUN_SMS_ACCESS_KEY_SECRET/,
    );
    expect(() => loadConfig({ TIANZIGE_WECHAT_PROVIDER: 'wechat', TIANZIGE_WECHAT_APP_ID: 'wx1' }, '/tmp')).toThrow(
      /TIANZIGE_WECHAT_APP_SECRET/,
    );
    expect(() => loadConfig({ TIANZIGE_SMS_PROVIDER: 'tencent-cloud' }, '/tmp')).toThrow(/TIANZIGE_SMS_PROVIDER/);
  });

  it('reads the templates as JSON and refuses text that is not', () => {
    const env = {
      TIANZIGE_SMS_PROVIDER: 'tencent',
      TIANZIGE_TENCENT_SMS_SECRET_ID: 'AKID',
      TIANZIGE_TENCENT_SMS_SECRET_KEY: 'key',
      TIANZIGE_TENCENT_SMS_SDK_APP_ID: '1400',
      TIANZIGE_TENCENT_SMS_SIGN_NAME: '田字格',
      TIANZIGE_TENCENT_SMS_TEMPLATES: '{"auth.sms_code":{"id":"1","params":["code","minutes"]}}',
    };
    expect(loadConfig(env, '/tmp').messages?.sms).toMatchObject({
      provider: 'tencent',
      tencent: { endpoint: 'https://sms.tencentcloudapi.com', templates: { 'auth.sms_code': { id: '1' } } },
    });
    expect(() => loadConfig({ ...env, TIANZIGE_TENCENT_SMS_TEMPLATES: '{oops' }, '/tmp')).toThrow(
      /TIANZIGE_TENCENT_SMS_TEMPLATES/,
    );
  });
});
