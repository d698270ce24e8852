// kruise.io/sidecarset-hash and kruise.io/sidecarset-hash-without-image
// (Kruise pkg/control/sidecarcontrol/hash.go): SHA-256 over Go's JSON of the containers.
// js-sha256 rather than node:crypto: loading node:crypto costs every run start-up time for two small hashes (docs/performance.md).
import { sha256 } from 'js-sha256';
import type { SidecarContainer, SidecarSet } from '../apis/types.js';
import { encodeGo } from '../../k8s/json/encode.js';
import { slice } from '../../k8s/json/schema.js';
import { SidecarContainer as SidecarContainerType } from '../apis/schema.js';

const containerList = slice(SidecarContainerType);

/** The revision hash of the SidecarSet's (defaulted) containers. */
export function sidecarSetHash(ss: SidecarSet): string {
  return safeEncodeString(sha256Hex(encodeSidecarSetContainers(ss.spec?.containers, ss.spec?.initContainers)));
}

/** The same hash with every container's and init container's image blanked. */
export function sidecarSetHashWithoutImage(ss: SidecarSet): string {
  const blank = (cs: SidecarContainer[] | undefined) => cs?.map((c) => ({ ...c, image: '' }));
  return safeEncodeString(
    sha256Hex(encodeSidecarSetContainers(blank(ss.spec?.containers), blank(ss.spec?.initContainers))),
  );
}

/**
 * The bytes Kruise hashes: `{"containers":…}`, plus `"initContainers":…` (all of them) only when
 * one init container is a native sidecar (restartPolicy Always). Keys sorted as Go sorts a map.
 */
export function encodeSidecarSetContainers(
  containers: SidecarContainer[] | undefined,
  initContainers: SidecarContainer[] | undefined,
): string {
  let out = '{"containers":' + encodeGo(containers, containerList);
  if (initContainers?.some(isNativeSidecar)) out += ',"initContainers":' + encodeGo(initContainers, containerList);
  return out + '}';
}

function isNativeSidecar(c: SidecarContainer): boolean {
  return c.restartPolicy === 'Always';
}

function sha256Hex(data: string): string {
  return sha256(data); // of the string's UTF-8 bytes, in hex
}

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** apimachinery rand.SafeEncodeString: maps each character onto an alphabet without vowels. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += ALPHANUMS[ch.codePointAt(0)! % ALPHANUMS.length];
  return out;
}
