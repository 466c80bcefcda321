import { EnvironmentOutlined, EyeOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Tag, Typography } from 'antd';
import { useNavigate } from 'react-router-dom';
import { useI18n } from '../i18n';
import { useMyCases, type DuplicateCase } from './api';
import { StatusTag } from './StatusTag';
import { shortTime } from './time';

interface DuplicatesPanelProps {
  duplicates: DuplicateCase[];
  /** the case being followed, while its request runs */
  followingId: string | null;
  isSubmitting: boolean;
  onFollow: (id: string) => void;
  onSubmitAnyway: () => void;
  onBack: () => void;
}

/** 附近已有相同诉求: the open cases of the same item nearby, to follow instead of filing again. */
export function DuplicatesPanel(props: DuplicatesPanelProps) {
  const { duplicates, followingId, isSubmitting, onFollow, onSubmitAnyway, onBack } = props;
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  // one she reported or follows already needs no following: she can only look at it
  const mine = new Set(useMyCases().data?.map((c) => c.id));
  return (
    <div data-testid="duplicates">
      <Alert
        type="info"
        showIcon
        title={t('phone.dup.title')}
        description={t('phone.dup.hint')}
        style={{ marginBottom: 12 }}
      />
      <Flex vertical gap={10}>
        {duplicates.map((d) => (
          <div key={d.id} className="tz-case-card" data-testid="duplicate">
            <Flex justify="space-between" align="flex-start" gap={8}>
              <Typography.Text strong className="tz-card-title">
                {d.dutyName ?? d.number}
              </Typography.Text>
              <Flex gap={4} wrap justify="flex-end">
                {mine.has(d.id) && <Tag style={{ marginInlineEnd: 0 }}>{t('phone.dup.yours')}</Tag>}
                <StatusTag status={d.status} />
              </Flex>
            </Flex>
            {/* another person's case shows only its public summary: no words, photos or people */}
            {d.description !== null && (
              <div className="tz-two-lines" style={{ margin: '6px 0' }}>
                {d.description}
              </div>
            )}
            <Flex justify="space-between" align="center" gap={8}>
              <Typography.Text type="secondary" className="tz-meta">
                <EnvironmentOutlined />{' '}
                <span data-testid="duplicate-distance">{t('phone.dup.distance', { n: d.distanceMeters })}</span>
                {' · '}
                {shortTime(d.createdAt, lang)}
              </Typography.Text>
              {mine.has(d.id) ? (
                <Button onClick={() => void navigate(`/m/cases/${d.id}`)}>{t('phone.dup.open')}</Button>
              ) : (
                <Button
                  type="primary"
                  ghost
                  icon={<EyeOutlined />}
                  loading={followingId === d.id}
                  disabled={followingId !== null && followingId !== d.id}
                  onClick={() => onFollow(d.id)}
                >
                  {t('phone.dup.follow')}
                </Button>
              )}
            </Flex>
          </div>
        ))}
      </Flex>
      <Flex vertical gap={8} style={{ marginTop: 16 }}>
        <Button size="large" block loading={isSubmitting} onClick={onSubmitAnyway} data-testid="submit-anyway">
          {t('phone.dup.force')}
        </Button>
        <Button type="link" block onClick={onBack}>
          {t('phone.dup.back')}
        </Button>
      </Flex>
    </div>
  );
}
