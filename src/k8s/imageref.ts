// Container image references as the Go libraries Kruise relies on read them:
// - Kubernetes' SetDefaults_Container derives imagePullPolicy through distribution/reference
//   (v0.6.0) ParseNormalizedNamed;
// - Kruise's util.ParseImage splits an image with docker/distribution (v2.8.2) reference.Parse.
// Both grammars are RE2 patterns; they are rebuilt here with the same languages, written so that
// a backtracking engine stays linear (a `-*` separator becomes `-+`, which matches the same names).
import { SidecarsetError } from '../errors.js';

export interface ImageReference {
  /** the name without tag or digest, e.g. `docker.io/library/nginx` (normalized) or `nginx` (Kruise's split) */
  repository: string;
  /** "" when absent */
  tag: string;
  /** `algorithm:hex`, "" when absent */
  digest: string;
}

const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const port = '(?::[0-9]+)?';
const tagPattern = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;

interface Grammar {
  reference: RegExp;
  name: RegExp;
}

function grammar(domainAndPort: string): Grammar {
  const name = `(?:${domainAndPort}/)?${remoteName}`;
  return {
    reference: new RegExp(`^(${name})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`),
    name: new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`),
  };
}

/** github.com/distribution/reference v0.6.0 (hosts may be IPv6 literals) */
const NORMALIZED = grammar(`(?:${domainName}|${ipv6})${port}`);
/** github.com/docker/distribution/reference v2.8.2 */
const LEGACY = grammar(`${domainName}${port}`);

const NAME_TOTAL_LENGTH_MAX = 255;
const DEFAULT_DOMAIN = 'docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';

/**
 * reference.ParseNormalizedNamed: `nginx` → docker.io/library/nginx. Throws SidecarsetError
 * for what it rejects (upper-case repository, bad tag or digest, a bare 64-hex id, …).
 */
export function parseNormalizedNamed(image: string): ImageReference {
  if (/^[a-f0-9]{64}$/.test(image)) {
    throw invalid(image, 'a 64-character hexadecimal string is an image ID, not a repository name');
  }
  const [domain, remainder] = splitDockerDomain(image);
  const colon = remainder.indexOf(':');
  const remote = colon >= 0 ? remainder.slice(0, colon) : remainder;
  if (remote.toLowerCase() !== remote) throw invalid(image, `repository name (${remote}) must be lowercase`);

  const full = `${domain}/${remainder}`;
  const m = NORMALIZED.reference.exec(full);
  if (!m) throw invalid(image, 'invalid reference format');
  const name = NORMALIZED.name.exec(m[1])!;
  if (name[2].length > NAME_TOTAL_LENGTH_MAX)
    throw invalid(image, 'repository name must not be more than 255 characters');
  const digest = m[3] ?? '';
  if (digest) checkDigest(image, digest);
  return { repository: name[1] ? `${name[1]}/${name[2]}` : name[2], tag: m[2] ?? '', digest };
}

/**
 * Kruise's util.ParseImage (docker/distribution reference.Parse, not normalized):
 * `docker.io/busybox@sha256:…` → repository `docker.io/busybox`, digest `sha256:…`;
 * `nginx:1.25` → repository `nginx`, tag `1.25`. Throws SidecarsetError when it does not parse.
 */
export function parseImage(image: string): ImageReference {
  const m = LEGACY.reference.exec(image);
  if (!m) {
    if (image === '') throw invalid(image, 'repository name must have at least one component');
    if (LEGACY.reference.test(image.toLowerCase())) throw invalid(image, 'repository name must be lowercase');
    throw invalid(image, 'invalid reference format');
  }
  if (m[1].length > NAME_TOTAL_LENGTH_MAX) throw invalid(image, 'repository name must not be more than 255 characters');
  const name = LEGACY.name.exec(m[1])!;
  const digest = m[3] ?? '';
  if (digest) checkDigest(image, digest);
  return { repository: name[1] ? `${name[1]}/${name[2]}` : name[2], tag: m[2] ?? '', digest };
}

/** Kruise's util.IsImageDigest: the image parses and carries a digest. */
export function isImageDigest(image: string): boolean {
  try {
    return parseImage(image).digest !== '';
  } catch {
    return false;
  }
}

/**
 * Kruise's util.IsContainerImageEqual: two digest images compare repository and digest,
 * otherwise repository and tag; an image that does not parse equals nothing.
 */
export function isContainerImageEqual(image1: string, image2: string): boolean {
  let a: ImageReference;
  let b: ImageReference;
  try {
    a = parseImage(image1);
    b = parseImage(image2);
  } catch {
    return false;
  }
  if (a.digest && b.digest) return a.repository === b.repository && a.digest === b.digest;
  return a.repository === b.repository && a.tag === b.tag;
}

/**
 * The imagePullPolicy Kubernetes' SetDefaults_Container picks for an empty one: `Always` when the
 * image parses with tag `latest` or with neither tag nor digest, `IfNotPresent` otherwise
 * (including images that do not parse, and the empty image).
 */
export function defaultImagePullPolicy(image: string): 'Always' | 'IfNotPresent' {
  let tag = '';
  try {
    const ref = parseNormalizedNamed(image);
    tag = ref.tag || (ref.digest ? '' : 'latest');
  } catch {
    tag = '';
  }
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash < 0) return [DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX + name];
  const maybeDomain = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  let domain: string;
  let remote: string;
  if (maybeDomain === 'localhost') [domain, remote] = [maybeDomain, rest];
  else if (maybeDomain === 'index.docker.io') [domain, remote] = [DEFAULT_DOMAIN, rest];
  else if (/[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain)
    [domain, remote] = [maybeDomain, rest];
  else [domain, remote] = [DEFAULT_DOMAIN, name];
  if (domain === DEFAULT_DOMAIN && !remote.includes('/')) remote = OFFICIAL_REPO_PREFIX + remote;
  return [domain, remote];
}

const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** go-digest Digest.Validate: only sha256/384/512 with lower-case hex of the exact length. */
function checkDigest(image: string, digest: string): void {
  const i = digest.indexOf(':');
  const algorithm = digest.slice(0, i);
  const encoded = digest.slice(i + 1);
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) throw invalid(image, `unsupported digest algorithm ${algorithm}`);
  if (encoded.length !== length) throw invalid(image, 'invalid checksum digest length');
  if (!/^[a-f0-9]+$/.test(encoded)) throw invalid(image, 'invalid checksum digest format');
}

function invalid(image: string, reason: string): SidecarsetError {
  return new SidecarsetError(`couldn't parse image name ${JSON.stringify(image)}: ${reason}`);
}
