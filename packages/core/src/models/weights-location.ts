/**
 * Where a run's `weightsUrl` may point: a tfjs model under one of the weights roots (the shared assets
 * and <data>/weights by default, CONVLAB_WEIGHTS_ROOTS), or an https URL on an allowed host
 * (CONVLAB_WEIGHTS_HOSTS, default the official tfjs model host). Anything else — other schemes,
 * loopback or private addresses, credentials or ports in the URL, files elsewhere — is refused before
 * anything is read or fetched. (The operator's CONVLAB_MOBILENET_URL is trusted as configured.)
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WeightsPolicy {
  /** Folders whose files (after resolving symlinks) may be loaded. */
  roots: string[];
  /** Hostnames https weights may come from, exactly. */
  hosts: string[];
}

export class WeightsLocationError extends Error {
  override name = 'WeightsLocationError';
}

function isInside(child: string, parent: string): boolean {
  return (
    child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep)
  );
}

/** The location to load (a checked https URL, or the real path of a local model), or an error. */
export async function checkWeightsUrl(location: string, policy: WeightsPolicy): Promise<string> {
  if (location.includes('\0')) throw new WeightsLocationError('invalid location');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(location)?.[1]?.toLowerCase();
  if (scheme && scheme !== 'file') {
    let url: URL;
    try {
      url = new URL(location);
    } catch {
      throw new WeightsLocationError('not a valid URL');
    }
    if (url.protocol !== 'https:')
      throw new WeightsLocationError('weights must come from an https URL or a local model folder');
    if (url.username || url.password || url.port)
      throw new WeightsLocationError('weights URLs may not carry credentials or a port');
    const host = url.hostname.toLowerCase();
    if (!policy.hosts.map((h) => h.toLowerCase()).includes(host)) {
      throw new WeightsLocationError(
        `weights host ${host} is not allowed (CONVLAB_WEIGHTS_HOSTS: ${policy.hosts.join(', ') || 'none'})`,
      );
    }
    return url.href;
  }
  let file: string;
  try {
    file = scheme === 'file' ? fileURLToPath(location) : path.resolve(location);
  } catch {
    throw new WeightsLocationError('not a valid file URL');
  }
  const real = await realpath(file).catch(() => null);
  const roots = (await Promise.all(policy.roots.map((r) => realpath(r).catch(() => null)))).filter(
    (r): r is string => r !== null,
  );
  if (!real || !roots.some((root) => isInside(real, root))) {
    throw new WeightsLocationError(
      'local weights must be an existing model inside a weights root (CONVLAB_WEIGHTS_ROOTS)',
    );
  }
  return real;
}
