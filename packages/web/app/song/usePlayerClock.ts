/**
 * The clock of an A/B player for a component: the playhead read every animation frame, whether it plays
 * (cleared when the audio ends), and the player's audio let go when the component goes. Shared by the song
 * page's version player and the repair A/B.
 */
import { useEffect, useState } from "react";
import type { Player } from "../audio/services.tsx";

export function usePlayerClock(player: Player) {
  const [time, setTime] = useState(0);
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    player.onEnded = () => setPlaying(false);
    let raf = 0;
    const tick = () => {
      setTime(player.time);
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => {
      cancelAnimationFrame(raf);
      player.dispose();
    };
  }, [player]);
  return { time, setTime, playing, setPlaying };
}
