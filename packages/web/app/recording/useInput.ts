/**
 * The recording input: the microphone once enabled (or another input picked), the inputs to pick from, and
 * what its meter reads (ten times a second). While the input is on, its blocks go to `onBlock`.
 *
 * One source of truth: the meter reads the very blocks the take is made of (the input's tap), with the
 * engine's meter, before and while recording alike; a new input starts a new meter.
 */
import { useEffect, useRef, useState } from "react";
import { LiveMeter, type MeterReading } from "../audio/meter.ts";
import { useAudio } from "../audio/services.tsx";
import type { TapBlock } from "../audio/tap.ts";
import { useMeterFeed } from "../meters/useMeterFeed.ts";

export interface RecordingInput {
  stream: MediaStream | null;
  devices: MediaDeviceInfo[];
  deviceId: string;
  /** The latest reading of the input meter (null before the first). */
  reading: MeterReading | null;
  /** Opens the input `id` (default: the one picked). */
  enable(id?: string): Promise<void>;
}

/** @param onError gets a refused or missing microphone. */
export function useInput(onBlock: (b: TapBlock) => void, onError: (e: unknown) => void): RecordingInput {
  const { recorder } = useAudio();
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [deviceId, setDeviceId] = useState("");
  const [stream, setStream] = useState<MediaStream | null>(null);
  const meter = useMeterFeed<MeterReading | null>(null, !!stream);
  const blockSink = useRef(onBlock);
  blockSink.current = onBlock;

  async function enable(id = deviceId) {
    if (id !== deviceId) setDeviceId(id);
    try {
      for (const t of stream?.getTracks() ?? []) t.stop();
      const opened = await recorder.openInput(id);
      setStream(opened.stream);
      setDevices(opened.devices);
      setDeviceId(opened.deviceId);
    } catch (e) {
      onError(e);
    }
  }

  // Meter the input and pass its blocks on.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the meter's feed is a ref
  useEffect(() => {
    if (!stream) return;
    const live = new LiveMeter(recorder.clock().sampleRate, 1);
    meter.feed.current = null;
    return recorder.listen(stream, (b) => {
      live.push(b.data.slice(0, 1));
      meter.feed.current = live.reading();
      blockSink.current(b);
    });
  }, [stream, recorder]);

  // Let go of the microphone when it changes or the page goes.
  useEffect(
    () => () => {
      for (const t of stream?.getTracks() ?? []) t.stop();
    },
    [stream],
  );

  return { stream, devices, deviceId, reading: meter.value, enable };
}
