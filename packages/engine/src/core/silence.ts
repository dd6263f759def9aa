/**
 * Digital silence as the renderer and processors skip it: float32 +0 in every sample. Tested on the 32-bit
 * words (an Int32Array over the samples' buffer), so −0, which a skip would turn into +0, is not silence.
 */
export function isPlusZero(words: Int32Array, frames: number): boolean {
  for (let i = 0; i < frames; i++) if (words[i] !== 0) return false;
  return true;
}
