import { useQueryClient } from '@tanstack/react-query';
import { Alert, Card, Steps } from 'antd';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { ImportProgressView } from './ImportProgressView';
import { ImportResultView } from './ImportResultView';
import { ImportSettingsStep, type ImportSettings } from './ImportSettingsStep';
import { ImportUploadStep } from './ImportUploadStep';
import { registryKeys } from './queries';
import { RecentImports } from './RecentImports';
import { useImportJob } from './useImportJob';

/**
 * 台账导入: settings → upload → live progress → summary. The job id lives in the URL (?job=…), so a
 * reload, or coming back later, resumes where the import is.
 */
export function ImportPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const queryClient = useQueryClient();
  const [searchParams, setSearchParams] = useSearchParams();
  const jobId = searchParams.get('job') ?? undefined;
  const { job, error, isDone, progress } = useImportJob(jobId);
  const [settings, setSettings] = useState<ImportSettings | null>(null);

  useEffect(() => {
    if (isDone) void queryClient.invalidateQueries({ queryKey: registryKeys.imports() });
  }, [isDone, queryClient]);

  const showJob = (id: string | undefined) =>
    setSearchParams((params) => {
      if (id === undefined) params.delete('job');
      else params.set('job', id);
      return params;
    });

  const step = jobId !== undefined ? (isDone ? 3 : 2) : settings === null ? 0 : 1;

  return (
    <>
      <Card title={t('nav.imports')} data-testid="import-wizard">
        <Steps
          current={step}
          status={isDone && job?.status === 'failed' ? 'error' : 'process'}
          style={{ maxWidth: 880, margin: '4px auto 32px' }}
          items={[
            { title: t('import.step.settings') },
            { title: t('import.step.upload') },
            { title: t('import.step.progress') },
            { title: t('import.step.result') },
          ]}
        />
        <div style={{ maxWidth: 880, margin: '0 auto' }}>
          {error !== null && (
            <Alert type="error" showIcon title={errorText(error, i18n)} style={{ marginBottom: 16 }} />
          )}
          {step === 0 && <ImportSettingsStep initial={settings} onNext={setSettings} />}
          {step === 1 && settings !== null && (
            <ImportUploadStep settings={settings} onBack={() => setSettings(null)} onStarted={(id) => showJob(id)} />
          )}
          {step === 2 && <ImportProgressView job={job} progress={progress} />}
          {step === 3 && job !== undefined && (
            <ImportResultView
              job={job}
              onAgain={() => {
                setSettings({
                  orgId: job.orgId,
                  mode: job.mode === 'valid-rows' ? 'valid-rows' : 'all-or-nothing',
                  onDuplicate: job.onDuplicate === 'update' ? 'update' : 'skip',
                });
                showJob(undefined);
              }}
              onNew={() => {
                setSettings(null);
                showJob(undefined);
              }}
            />
          )}
        </div>
      </Card>
      <RecentImports currentId={jobId} onOpen={showJob} />
    </>
  );
}
