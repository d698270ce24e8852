// What a test can assert about the requests the server saw.
export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string;
  /** the authenticated user; '' when authentication failed */
  user: string;
  /** the Kubernetes verb, when the path names a resource */
  verb?: string;
  resource?: string;
  namespace?: string;
  name?: string;
  /** the status code answered (undefined while still in flight, e.g. an open watch) */
  status?: number;
}
