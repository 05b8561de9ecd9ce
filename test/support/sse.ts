/** Server-Sent Events as the tests read them. */

/** Reads SSE events from a response until `stop` says so. */
export async function readEvents(res: Response, stop: (events: { event: string; data: string }[]) => boolean) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: { event: string; data: string }[] = [];
  let buffer = '';
  while (!stop(events)) {
    const { value, done } = await reader.read();
    if (done) throw new Error('stream ended');
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data !== undefined) events.push({ event, data });
    }
  }
  await reader.cancel();
  return events;
}

/** An event stream's raw text as it arrives: `until` reads on until the text so far matches. */
export function streamText(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let seen = '';
  return {
    seen: () => seen,
    async until(pattern: RegExp) {
      while (!pattern.test(seen)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        seen += value;
      }
    },
    cancel: () => reader.cancel(),
  };
}
