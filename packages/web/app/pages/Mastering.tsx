/** Mastering page (in progress). */
export function Mastering({ songId }: { songId: string }) {
  return (
    <div className="page">
      <h1>Mastering</h1>
      <p>Song {songId}</p>
    </div>
  );
}
