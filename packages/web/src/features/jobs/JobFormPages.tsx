import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { ErrorNote, PageTitle } from '../../app/ui';
import { JobForm } from './JobForm';
import { jobQuery } from './queries';

const editRoute = getRouteApi('/jobs/$jobId/edit');

export function NewJobPage() {
  return (
    <>
      <PageTitle>New job</PageTitle>
      <JobForm />
    </>
  );
}

export function EditJobPage() {
  const { jobId } = editRoute.useParams();
  const job = useQuery(jobQuery(jobId));
  if (job.error) return <ErrorNote error={job.error} />;
  if (!job.data) return <p className="muted">Loading…</p>;
  return (
    <>
      <PageTitle>Edit {job.data.data.name || jobId}</PageTitle>
      <JobForm job={job.data.data} />
    </>
  );
}
