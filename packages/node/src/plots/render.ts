import { extname } from "node:path";
import { writeFileAtomic } from "../files/atomic-file.ts";

/**
 * Writes an SVG document to `.svg`, or rasterised to `.png` (resvg, system fonts). Atomic: temp file + rename.
 * Throws an Error naming the path when the extension is neither.
 */
export async function writePlot(path: string, svg: string): Promise<void> {
  const ext = extname(path).toLowerCase();
  let data: string | Uint8Array;
  if (ext === ".svg") data = svg;
  else if (ext === ".png") {
    const { Resvg } = await import("@resvg/resvg-js");
    const r = new Resvg(svg, {
      background: "white",
      fitTo: { mode: "zoom", value: 1.5 },
      font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
    });
    data = r.render().asPng();
  } else {
    throw new Error(`${path}: plot must end in .png or .svg`);
  }
  await writeFileAtomic(path, data);
}
