/** A server job under way: a labelled progress bar and "Doing it… 40%" for screen readers and eyes alike. */
export function JobProgress({
  label,
  doing,
  progress,
}: {
  label: string;
  doing: string;
  progress: number | null;
}) {
  if (progress === null) return null;
  return (
    <>
      <label>
        {label}
        <progress max={1} value={progress} />
      </label>
      <span role="status">
        {doing} {Math.round(progress * 100)}%
      </span>
    </>
  );
}
