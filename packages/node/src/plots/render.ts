import { rename, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";

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
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  await writeFile(tmp, data);
  await rename(tmp, path);
}
