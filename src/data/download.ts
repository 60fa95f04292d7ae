// Download one file from a list of mirrors, verifying its SHA-256 while it streams in (or, where
// only the unpacked content's is fixed, once it is in).
// The final path only ever holds a verified file (temporary file + rename); a mirror that stalls
// (no bytes for STALL_SECONDS) is abandoned for the next.
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { commitTemporary, temporarySibling } from '../io/atomic-write';
import { DataError, maybeGunzip } from './idx-file';

export type ProgressCallback = (received: number, total: number | undefined) => void;

/** A mirror that sends nothing for this long (before or during the body) is given up. */
export const STALL_SECONDS = 30;

/** What a download must match: the SHA-256 of the bytes as served, or of their unpacked (gunzipped) content. */
export type Expected = { sha256: string } | { unpackedSha256: string };

export interface DownloadOptions {
  onProgress?: ProgressCallback;
  /** Called before each mirror is tried. */
  onAttempt?: (url: string) => void;
  stallSeconds?: number;
}

/** An AbortController that fires unless poke() is called at least every `seconds`. */
function stallWatch(seconds: number) {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const poke = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`stalled: no data for ${seconds} s`)), seconds * 1000);
  };
  poke();
  return { signal: controller.signal, poke, stop: () => clearTimeout(timer) };
}

async function fetchVerified(url: string, dest: string, expected: Expected, o: DownloadOptions): Promise<void> {
  const watch = stallWatch(o.stallSeconds ?? STALL_SECONDS);
  try {
    await fetchWatched(url, dest, expected, o.onProgress, watch);
  } catch (e) {
    throw watch.signal.aborted ? watch.signal.reason : e;
  } finally {
    watch.stop();
  }
}

async function fetchWatched(url: string, dest: string, expected: Expected, onProgress: ProgressCallback | undefined, watch: ReturnType<typeof stallWatch>) {
  const response = await fetch(url, { signal: watch.signal });
  watch.poke();
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  const total = Number(response.headers.get('content-length')) || undefined;
  const tmp = temporarySibling(dest);
  const hash = createHash('sha256');
  const out = createWriteStream(tmp);
  let received = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      watch.poke();
      hash.update(chunk);
      received += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      onProgress?.(received, total);
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    const [want, actual] = 'sha256' in expected
      ? [expected.sha256, hash.digest('hex')]
      : [expected.unpackedSha256, createHash('sha256').update(maybeGunzip(readFileSync(tmp), url)).digest('hex')];
    if (actual !== want) throw new Error(`checksum mismatch: expected sha256 ${want}${'sha256' in expected ? '' : ' (unpacked)'}, got ${actual}`);
    commitTemporary(tmp, dest);
  } catch (e) {
    out.destroy();
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Try each base URL in turn; throws a DataError naming every mirror's failure if none works. */
export async function downloadFromMirrors(
  mirrors: readonly string[],
  file: string,
  dest: string,
  expected: Expected,
  options: DownloadOptions = {},
): Promise<string> {
  mkdirSync(dirname(dest), { recursive: true });
  const failures: string[] = [];
  for (const mirror of mirrors) {
    const url = mirror.endsWith('/') ? mirror + file : `${mirror}/${file}`;
    try {
      options.onAttempt?.(url);
      await fetchVerified(url, dest, expected, options);
      return url;
    } catch (e) {
      const err = e as Error & { cause?: Error };
      failures.push(`${url}: ${err.cause?.message ?? err.message}`);
    }
  }
  throw new DataError(`could not download ${file}:\n  ${failures.join('\n  ')}`);
}
