/** The app shell: who is signed in, the top bar, and which page the path shows. */
import { useEffect, useState } from "react";
import { SignInPage } from "./account/SignInPage.tsx";
import { api, type User, type Wire } from "./api.ts";
import { DashboardPage } from "./dashboard/DashboardPage.tsx";
import { MasteringPage } from "./mastering/MasteringPage.tsx";
import { MixerPage } from "./mixer/MixerPage.tsx";
import { ProjectsPage } from "./projects/ProjectsPage.tsx";
import { RecordingPage } from "./recording/RecordingPage.tsx";
import { Link, match, navigate, usePath } from "./router.tsx";
import { SessionContext } from "./session.tsx";
import { SongPage } from "./song/SongPage.tsx";

function Page({ path }: { path: string }) {
  let m: Record<string, string> | null;
  if ((m = match("/projects/:id", path))) return <DashboardPage projectId={m.id} />;
  if ((m = match("/songs/:id/mixer", path))) return <MixerPage songId={m.id} />;
  if ((m = match("/songs/:id/mastering", path))) return <MasteringPage songId={m.id} />;
  if ((m = match("/songs/:id/record", path))) return <RecordingPage songId={m.id} />;
  if ((m = match("/songs/:id", path))) return <SongPage songId={m.id} />;
  return <ProjectsPage />;
}

export function App() {
  const path = usePath();
  const [user, setUser] = useState<Wire<User> | null>(null);
  const [checked, setChecked] = useState(false);
  useEffect(() => {
    api.session().then(
      (s) => {
        setUser(s.user);
        setChecked(true);
      },
      () => setChecked(true),
    );
  }, []);
  if (!checked) return <p className="loading">Loading…</p>;
  return (
    <SessionContext.Provider value={{ user, setUser }}>
      <header className="topbar">
        <Link href="/" className="brand">
          Control Room
        </Link>
        {user && (
          <nav aria-label="Account">
            <span>{user.name}</span>
            <button
              type="button"
              onClick={async () => {
                await api.logout().catch(() => {});
                setUser(null);
                navigate("/");
              }}
            >
              Sign out
            </button>
          </nav>
        )}
      </header>
      <main>{user ? <Page path={path} /> : <SignInPage />}</main>
    </SessionContext.Provider>
  );
}
