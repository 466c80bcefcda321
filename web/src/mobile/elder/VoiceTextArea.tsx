import { AudioOutlined, LoadingOutlined } from '@ant-design/icons';
import { Button, Flex, Input, Typography } from 'antd';
import type { TextAreaProps } from 'antd/es/input';
import { useI18n } from '../i18n';
import { appendSpoken, useSpeechInput } from './voice';

type VoiceTextAreaProps = Omit<TextAreaProps, 'value' | 'onChange'> & {
  value?: string;
  onChange?: (value: string) => void;
};

/**
 * A text box with a microphone under it where the browser can turn speech into text: what she says
 * is added after what she has written, so typing and speaking mix. A form control (value/onChange).
 */
export function VoiceTextArea({ value = '', onChange, maxLength, ...rest }: VoiceTextAreaProps) {
  const { t, lang } = useI18n();
  const speechLang = lang === 'zh' ? 'zh-CN' : 'en-US';
  const voice = useSpeechInput(speechLang, (text) => onChange?.(appendSpoken(value, text, speechLang, maxLength)));
  return (
    <>
      <Input.TextArea {...rest} maxLength={maxLength} value={value} onChange={(e) => onChange?.(e.target.value)} />
      {voice.isAvailable && (
        <Flex align="center" gap={8} wrap className="tz-voice">
          <Button
            className={`tz-voice-button${voice.isListening ? ' is-listening' : ''}`}
            icon={voice.isListening ? <LoadingOutlined /> : <AudioOutlined />}
            aria-pressed={voice.isListening}
            aria-label={t('elder.voice.aria')}
            onClick={voice.toggle}
            data-testid="voice-input"
          >
            {voice.isListening ? t('elder.voice.stop') : t('elder.voice.start')}
          </Button>
          <Typography.Text type={voice.problem === null ? 'secondary' : 'danger'} role="status">
            {voice.problem === 'denied' && t('elder.voice.denied')}
            {voice.problem === 'failed' && t('elder.voice.failed')}
          </Typography.Text>
        </Flex>
      )}
    </>
  );
}
