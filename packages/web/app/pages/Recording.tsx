/** Recording page (in progress). */
export function Recording({ songId }: { songId: string }) {
  return (
    <div className="page">
      <h1>Recording</h1>
      <p>Song {songId}</p>
    </div>
  );
}
