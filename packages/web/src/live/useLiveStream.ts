import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../api/client';
import type { Execution, Job } from '../api/types';

export type LiveState = 'connecting' | 'live' | 'offline';

/**
 * The project's stream of executions and job changes (GET /v1/stream): each event marks the
 * queries it touches stale, so lists and pages refresh without a reload. EventSource cannot send
 * headers, so it authenticates with a short-lived stream token; when the browser gives up (the
 * token expired, the server restarted) a new token is fetched and the stream resumes after the
 * last event seen.
 */
export function useLiveStream(streamKey: string | null): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');

  useEffect(() => {
    if (streamKey === null) return;
    let source: EventSource | null = null;
    let lastEventId: string | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;

    const connect = async () => {
      try {
        const { data } = await unwrap(api.POST('/v1/stream/tokens'));
        if (stopped) return;
        const params = new URLSearchParams({ token: data.token });
        if (lastEventId) params.set('lastEventId', lastEventId);
        source = new EventSource(`/v1/stream?${params}`);
        source.onopen = () => {
          setState('live');
          // Job changes made before the stream opened, or while it was down, are not replayed (only
          // attempts are): refetch what is shown once, so nothing between the two is missed.
          void queryClient.invalidateQueries();
        };
        source.addEventListener('execution', (e) => {
          lastEventId = (e as MessageEvent).lastEventId || lastEventId;
          const exe = JSON.parse((e as MessageEvent<string>).data) as Execution;
          void queryClient.invalidateQueries({ queryKey: ['executions'] });
          void queryClient.invalidateQueries({ queryKey: ['jobs'] });
          void queryClient.invalidateQueries({ queryKey: ['job', exe.jobId] });
          void queryClient.invalidateQueries({ queryKey: ['upcoming'] });
        });
        const onJob = (e: Event) => {
          const job = JSON.parse((e as MessageEvent<string>).data) as Pick<Job, 'id'>;
          void queryClient.invalidateQueries({ queryKey: ['jobs'] });
          void queryClient.invalidateQueries({ queryKey: ['job', job.id] });
          void queryClient.invalidateQueries({ queryKey: ['upcoming'] });
          void queryClient.invalidateQueries({ queryKey: ['spaces'] });
        };
        source.addEventListener('job', onJob);
        source.addEventListener('job.deleted', onJob);
        source.onerror = () => {
          if (source?.readyState !== EventSource.CLOSED) return;
          setState('offline');
          source.close();
          retry = setTimeout(() => void connect(), 3000);
        };
      } catch {
        if (stopped) return;
        setState('offline');
        retry = setTimeout(() => void connect(), 5000);
      }
    };
    void connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [streamKey, queryClient]);

  return state;
}
