/** A session track's insert chain as the engine renders it (the server's render uses these). */
export function EngineInserts({ types }: { types: string[] }) {
  return <p className="small">Engine inserts: {types.length ? types.join(" → ") : "none"}</p>;
}
