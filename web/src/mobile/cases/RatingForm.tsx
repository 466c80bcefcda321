import { App, Button, Form, Radio, Rate, Typography } from 'antd';
import { errorText } from '../../shared/errors';
import { useI18n } from '../i18n';
import { VoiceTextArea } from '../elder/VoiceTextArea';
import { useRateCase, type MyCaseDetail } from './api';

interface RatingValues {
  rating: number;
  isSolved: boolean;
  comment?: string;
}

/** 评价: what was done, then stars, whether the problem is solved, a word; rating closes the case. */
export function RatingForm({ caseId, result }: { caseId: string; result: string | null }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const rate = useRateCase(caseId);

  const submit = async (values: RatingValues) => {
    try {
      const comment = values.comment?.trim() ?? '';
      await rate.mutateAsync({
        rating: values.rating,
        isSolved: values.isSolved,
        ...(comment !== '' ? { comment } : {}),
      });
      void message.success(t('phone.rate.thanks'));
    } catch (error) {
      void message.error(errorText(error, i18n));
    }
  };

  return (
    <section className="tz-phone-section" data-testid="rating-form">
      <h2>{t('phone.rate.title')}</h2>
      {result !== null && (
        <div className="tz-phone-result" data-testid="resolution">
          <Typography.Text type="secondary" className="tz-meta">
            {t('phone.rate.result')}
          </Typography.Text>
          <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{result}</Typography.Paragraph>
        </div>
      )}
      <Form<RatingValues>
        layout="vertical"
        className="tz-phone-form"
        requiredMark={false}
        onFinish={(values) => void submit(values)}
      >
        <Form.Item
          name="rating"
          label={t('phone.rate.stars')}
          rules={[{ required: true, message: t('phone.rate.starsRequired') }]}
        >
          <Rate style={{ fontSize: 30 }} data-testid="rating-stars" />
        </Form.Item>
        <Form.Item
          name="isSolved"
          label={t('phone.rate.solved')}
          rules={[{ required: true, message: t('phone.rate.solvedRequired') }]}
        >
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={[
              { label: t('phone.rate.yes'), value: true },
              { label: t('phone.rate.no'), value: false },
            ]}
          />
        </Form.Item>
        <Form.Item name="comment" label={t('phone.rate.comment')}>
          <VoiceTextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={500} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={rate.isPending}>
            {t('phone.rate.submit')}
          </Button>
        </Form.Item>
      </Form>
    </section>
  );
}

/** The rating she gave, once the case is closed. */
export function RatingGiven({ c }: { c: MyCaseDetail }) {
  const { t } = useI18n();
  return (
    <section className="tz-phone-section" data-testid="rating-given">
      <h2>{t('phone.rate.given')}</h2>
      <Rate disabled value={c.rating ?? 0} />
      {c.isSolved !== null && (
        <Typography.Text type="secondary" style={{ marginInlineStart: 10 }}>
          {c.isSolved ? t('phone.rate.solvedYes') : t('phone.rate.solvedNo')}
        </Typography.Text>
      )}
      {c.ratingComment !== null && (
        <Typography.Paragraph style={{ margin: '6px 0 0' }}>{c.ratingComment}</Typography.Paragraph>
      )}
    </section>
  );
}
