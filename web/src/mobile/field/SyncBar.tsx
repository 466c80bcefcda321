import { CheckCircleFilled, CloudSyncOutlined, ExclamationCircleFilled, LoadingOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import { useI18n } from '../i18n';
import { shortTime } from '../cases/time';
import { useField } from './FieldContext';

/**
 * Always under the title: online or not, how many records wait on the phone, whether a sync is
 * running, when the last one finished, and how many the server refused (tap for the queue).
 */
export function SyncBar() {
  const { t, lang, pick } = useI18n();
  const { syncState: s } = useField();
  const status = s.isSyncing ? 'syncing' : s.rejected > 0 ? 'error' : s.pending > 0 ? 'pending' : 'clear';

  return (
    <Link
      to="/m/field/sync"
      className={`tz-sync-bar is-${status}`}
      data-testid="sync-bar"
      data-online={s.isOnline ? 'yes' : 'no'}
      data-pending={s.pending}
      data-rejected={s.rejected}
      data-syncing={s.isSyncing ? 'yes' : 'no'}
      aria-live="polite"
    >
      <span className={`tz-sync-dot ${s.isOnline ? 'is-online' : 'is-offline'}`} aria-hidden />
      <span className="tz-sync-net">{s.isOnline ? t('field.sync.online') : t('field.sync.offline')}</span>
      <span className="tz-sync-main">
        {s.isSyncing ? (
          <>
            <LoadingOutlined /> {t('field.sync.syncing')}
          </>
        ) : s.pending > 0 ? (
          <>
            <CloudSyncOutlined /> <span data-testid="sync-pending">{t('field.sync.pending', { n: s.pending })}</span>
          </>
        ) : (
          <>
            <CheckCircleFilled style={{ color: '#52c41a' }} /> {t('field.sync.allSent')}
          </>
        )}
      </span>
      {s.rejected > 0 && (
        <span className="tz-sync-error">
          <ExclamationCircleFilled /> {t('field.sync.failed', { n: s.rejected })}
        </span>
      )}
      <span className="tz-sync-last">
        {s.problem !== null && s.pending > 0 && !s.isSyncing
          ? pick(s.problem)
          : s.lastSyncAt !== null
            ? t('field.sync.last', { time: shortTime(s.lastSyncAt, lang) })
            : t('field.sync.never')}
      </span>
    </Link>
  );
}
