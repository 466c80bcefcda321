import { CheckCircleFilled, CloseCircleOutlined } from '@ant-design/icons';
import { Flex, Typography } from 'antd';
import { useI18n } from '../i18n';
import { checkPassword, PASSWORD_MIN_CLASSES } from './passwordRule';

function RuleLine({ isMet, isTyped, text }: { isMet: boolean; isTyped: boolean; text: string }) {
  return (
    <Typography.Text type={isMet ? 'success' : isTyped ? 'danger' : 'secondary'} style={{ fontSize: 12 }}>
      {isMet ? <CheckCircleFilled /> : <CloseCircleOutlined />} {text}
    </Typography.Text>
  );
}

/** Shows, as the user types, which parts of the password rule are met. */
export function PasswordRuleHint({ password }: { password: string }) {
  const { t } = useI18n();
  const check = checkPassword(password);
  return (
    <Flex vertical gap={2} style={{ marginTop: 4 }} data-testid="password-rule">
      <RuleLine isMet={check.isLongEnough} isTyped={password !== ''} text={t('password.rule.length')} />
      <RuleLine
        isMet={check.classCount >= PASSWORD_MIN_CLASSES}
        isTyped={password !== ''}
        text={t('password.rule.classes', { n: check.classCount })}
      />
    </Flex>
  );
}
