import { PlusOutlined, StarFilled } from '@ant-design/icons';
import { Alert, Button, Empty, Flex, Skeleton, Typography } from 'antd';
import { Link, useNavigate } from 'react-router-dom';
import { useAuth } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { useI18n } from '../i18n';
import { PhoneLayout } from '../PhoneLayout';
import { useMyCases, type MyCase } from './api';
import { StatusTag } from './StatusTag';
import { shortTime } from './time';

function CaseCard({ item }: { item: MyCase }) {
  const { t, lang } = useI18n();
  return (
    <Link to={`/m/cases/${item.id}`} className="tz-case-card" data-testid="my-case" data-number={item.number}>
      <Flex justify="space-between" align="flex-start" gap={8}>
        <Typography.Text strong className="tz-card-title">
          {item.dutyName ?? item.dutyCode ?? '—'}
        </Typography.Text>
        <StatusTag status={item.status} />
      </Flex>
      <div className="tz-two-lines" style={{ margin: '6px 0' }}>
        {item.description ?? t('phone.list.following')}
      </div>
      <Flex justify="space-between" gap={8} className="tz-case-card-meta tz-meta">
        <Typography.Text type="secondary" ellipsis className="tz-meta">
          {t('phone.list.handler', { name: item.handlerName })}
        </Typography.Text>
        <Typography.Text type="secondary" className="tz-nowrap tz-meta">
          {item.rating !== null ? (
            <>
              <StarFilled style={{ color: '#fadb14' }} /> {t('phone.list.rated', { n: item.rating })}
            </>
          ) : (
            shortTime(item.createdAt, lang)
          )}
        </Typography.Text>
      </Flex>
    </Link>
  );
}

/** 我的诉求: what she reported or follows, newest first. */
export function MyCasesPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { me } = useAuth();
  const navigate = useNavigate();
  const cases = useMyCases();

  return (
    <PhoneLayout title={t('phone.list.title')}>
      <Flex justify="space-between" align="baseline" style={{ marginBottom: 10 }}>
        <Typography.Text type="secondary">{me?.displayName}</Typography.Text>
        {cases.data !== undefined && (
          <Typography.Text type="secondary">{t('phone.list.count', { n: cases.data.length })}</Typography.Text>
        )}
      </Flex>
      {cases.error !== null && (
        <Alert
          type="error"
          showIcon
          title={errorText(cases.error, i18n)}
          action={<Button onClick={() => void cases.refetch()}>{t('phone.retry')}</Button>}
        />
      )}
      {cases.isPending && <Skeleton active paragraph={{ rows: 6 }} />}
      {cases.data?.length === 0 && (
        <Empty description={t('phone.list.empty')} style={{ marginTop: 48 }}>
          <Button type="primary" size="large" icon={<PlusOutlined />} onClick={() => void navigate('/m/cases/new')}>
            {t('phone.list.report')}
          </Button>
        </Empty>
      )}
      <Flex vertical gap={10} data-testid="my-cases">
        {cases.data?.map((item) => (
          <CaseCard key={item.id} item={item} />
        ))}
      </Flex>
    </PhoneLayout>
  );
}
