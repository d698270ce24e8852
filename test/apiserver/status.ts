// Kubernetes' Status error bodies, field for field and in the order the API server writes them, so that
// clients (kubectl's "Error from server (Reason): message" lines, client-node's ApiException) see what a real
// cluster sends.
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A group and resource as Kubernetes names them in messages: `pods`, `deployments.apps`. */
export interface GroupResource {
  group: string;
  resource: string;
}

export function qualified(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

/** An error that answers the request with a Status body. */
export class ApiError extends Error {
  readonly headers: Record<string, string>;
  constructor(
    readonly status: Status,
    headers: Record<string, string> = {},
  ) {
    super(status.message);
    this.headers = headers;
  }
  get code(): number {
    return this.status.code;
  }
}

function failure(code: number, reason: string | undefined, message: string, details?: StatusDetails): ApiError {
  // Built in steps so the keys come out in the API server's order, code last.
  const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message } as Status;
  if (reason) status.reason = reason;
  if (details) status.details = details;
  status.code = code;
  return new ApiError(status);
}

// Details as the API server fills them: name, then group (only when not core), then kind (the resource).
function resourceDetails(gr: GroupResource, name?: string): StatusDetails {
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (gr.group) details.group = gr.group;
  details.kind = gr.resource;
  return details;
}

export const errors = {
  unauthorized: () => failure(401, 'Unauthorized', 'Unauthorized'),

  forbidden: (gr: GroupResource, name: string, user: string, verb: string, resource: string, namespace: string) => {
    const subject = name ? `${qualified(gr)} "${name}"` : qualified(gr);
    const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
    const message = `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${gr.group}" ${scope}`;
    return failure(403, 'Forbidden', message, resourceDetails(gr, name));
  },

  notFound: (gr: GroupResource, name: string) =>
    failure(404, 'NotFound', `${qualified(gr)} "${name}" not found`, resourceDetails(gr, name)),

  /** An unknown path: the API server's generic 404. */
  noResource: () => failure(404, 'NotFound', 'the server could not find the requested resource', {}),

  methodNotAllowed: () =>
    failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {}),

  alreadyExists: (gr: GroupResource, name: string) =>
    failure(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, resourceDetails(gr, name)),

  conflict: (
    gr: GroupResource,
    name: string,
    why = 'the object has been modified; please apply your changes to the latest version and try again',
  ) =>
    failure(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`,
      resourceDetails(gr, name),
    ),

  unsupportedMediaType: (accepted: string[]) =>
    failure(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    ),

  badRequest: (message: string) => failure(400, 'BadRequest', message),

  /** 422 Invalid: `Kind "name" is invalid: <field errors>`; details.kind is the Kind, not the resource. */
  invalid: (group: string, kind: string, name: string, causes: FieldError[]) => {
    const texts = causes.map(fieldErrorText);
    const summary = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
    const details: StatusDetails = { name };
    if (group) details.group = group;
    details.kind = kind;
    details.causes = causes.map((c) => ({
      reason: c.type,
      message: fieldErrorText({ ...c, field: '' }).replace(/^: /, ''),
      field: c.field,
    }));
    return failure(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${summary}`, details);
  },

  /** 422 from a JSON patch that does not apply (a failed `test`, a missing path): the API server wraps the
   * patch library's message as an unexpected server response. */
  patchNotApplied: (message: string) =>
    failure(422, 'Invalid', 'the server rejected our request due to an error in our request', {
      causes: [{ reason: 'UnexpectedServerResponse', message }],
    }),

  expired: (message: string) => failure(410, 'Expired', message),

  tooManyRequests: (retryAfterSeconds: number) => {
    const error = failure(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds });
    error.headers['Retry-After'] = String(retryAfterSeconds);
    return error;
  },

  internal: (message: string) =>
    failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),

  unavailable: (message: string) => failure(503, 'ServiceUnavailable', message),

  timeout: (message: string) => failure(504, 'Timeout', message),
};

/** One field error, as k8s.io/apimachinery's field.Error. */
export interface FieldError {
  /** FieldValueRequired, FieldValueInvalid, FieldValueForbidden, FieldValueNotSupported, FieldValueDuplicate */
  type:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueForbidden'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate';
  field: string;
  /** the offending value, shown for Invalid and NotSupported */
  value?: unknown;
  detail?: string;
}

const TYPE_TEXT: Record<FieldError['type'], string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueForbidden: 'Forbidden',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
};

// "field: Type: value: detail", the way field.Error.Error() prints itself.
function fieldErrorText(e: FieldError): string {
  let text = `${e.field}: ${TYPE_TEXT[e.type]}`;
  if (e.type === 'FieldValueInvalid' || e.type === 'FieldValueNotSupported' || e.type === 'FieldValueDuplicate') {
    if (e.value !== undefined) text += `: ${typeof e.value === 'string' ? JSON.stringify(e.value) : String(e.value)}`;
  }
  if (e.detail) text += `: ${e.detail}`;
  return text;
}
