/** Worker configuration of the `http_request` tool. */
export interface HttpToolConfig {
  /**
   * Hosts requests may go to: `api.example.com` (any port), `api.example.com:8443` (that
   * port only), `*.example.com` (any subdomain, not the domain itself), `127.0.0.1`,
   * `[::1]:8080`. Empty refuses every request: a job must never reach a host nobody chose.
   */
  allowedHosts: readonly string[];
  /** Largest response body read, in bytes; default `DEFAULT_MAX_RESPONSE_BYTES`. */
  maxResponseBytes?: number;
}

/** 5 MiB: enough for API answers, small enough that one response cannot exhaust the worker. */
export const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
