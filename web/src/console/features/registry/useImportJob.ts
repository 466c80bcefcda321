import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../../../api/client';
import type { ImportJob } from '../../../api/types';
import { registryKeys } from './queries';

export interface ImportProgress {
  phase: string | null;
  rowsDone: number;
  rowsTotal: number;
}

const isFinished = (job: ImportJob | undefined) =>
  job !== undefined && job.status !== 'running' && job.status !== 'queued';

/**
 * An import job, followed live: server-sent events for progress while it runs, and a slow poll of the
 * job underneath (faster when the event stream fails), so a lost stream or a reload never strands the page.
 */
export function useImportJob(jobId: string | undefined) {
  const queryClient = useQueryClient();
  // both remember which job they are about, so switching jobs needs no reset
  const [liveOf, setLive] = useState<{ jobId: string; progress: ImportProgress } | null>(null);
  const [brokenJobId, setBrokenJobId] = useState<string | null>(null);
  const live = liveOf !== null && liveOf.jobId === jobId ? liveOf.progress : null;
  const isStreamBroken = brokenJobId !== null && brokenJobId === jobId;

  const job = useQuery({
    queryKey: registryKeys.importJob(jobId ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/residents/imports/{id}', { params: { path: { id: jobId ?? '' } } })),
    enabled: jobId !== undefined,
    staleTime: 0,
    refetchInterval: (query) => (isFinished(query.state.data) ? false : isStreamBroken ? 1000 : 3000),
  });
  const isDone = isFinished(job.data);

  useEffect(() => {
    if (jobId === undefined || isDone || typeof EventSource === 'undefined') return undefined;
    const source = new EventSource(`/api/v1/residents/imports/${encodeURIComponent(jobId)}/events`);
    source.addEventListener('progress', (event) => {
      const p = JSON.parse((event as MessageEvent<string>).data) as ImportProgress;
      setLive({ jobId, progress: { phase: p.phase, rowsDone: p.rowsDone, rowsTotal: p.rowsTotal } });
    });
    source.addEventListener('done', (event) => {
      // close first: the server ends the stream and EventSource would otherwise reconnect
      source.close();
      const finished = JSON.parse((event as MessageEvent<string>).data) as ImportJob;
      queryClient.setQueryData(registryKeys.importJob(jobId), finished);
      void queryClient.invalidateQueries({ queryKey: registryKeys.imports() });
      void queryClient.invalidateQueries({ queryKey: ['registry', 'households'] });
      void queryClient.invalidateQueries({ queryKey: ['registry', 'search'] });
    });
    source.onerror = () => {
      source.close();
      setBrokenJobId(jobId);
    };
    return () => source.close();
  }, [jobId, isDone, queryClient]);

  const data = job.data;
  const progress: ImportProgress | null =
    data === undefined
      ? live
      : live !== null && !isDone
        ? live
        : { phase: data.phase, rowsDone: data.rowsDone, rowsTotal: data.rowsTotal };
  return { job: data, error: job.error, isDone, progress };
}
