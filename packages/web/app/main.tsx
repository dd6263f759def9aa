/** Entry point: mounts the app. */
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { interceptLinks } from "./router.tsx";
import "./styles.css";

interceptLinks();
createRoot(document.getElementById("root") as HTMLElement).render(<App />);
