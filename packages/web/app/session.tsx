/** Who is signed in, shared by every page. */
import { createContext, useContext } from "react";
import type { User, Wire } from "./api.ts";

export interface SessionState {
  user: Wire<User> | null;
  setUser(u: Wire<User> | null): void;
}
export const SessionContext = createContext<SessionState>({ user: null, setUser: () => {} });
export const useSession = () => useContext(SessionContext);
