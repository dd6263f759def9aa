/** The multipart body of an audio upload (`POST /api/projects/{projectId}/uploads`), for `app.inject`. */

/**
 * One file field named "file" holding `content`.
 * @param content the file's bytes.
 * @param filename the name the browser would send (default "x.wav").
 */
export function uploadForm(content: Buffer, filename = "x.wav") {
  const boundary = "----controlroomtest";
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: audio/wav\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}
