/** Mixer page (in progress). */
export function Mixer({ songId }: { songId: string }) {
  return (
    <div className="page">
      <h1>Mixer</h1>
      <p>Song {songId}</p>
    </div>
  );
}
