// Credentials in a configured endpoint (http://user:password@host/...): the one place that turns
// them into the Authorization header they stand for (HTTP Basic, RFC 7617) and that says how an
// endpoint may be shown. Every log line, error message, /health answer and check-config output
// that names an endpoint shows it through withoutCredentials (issue 17 part 4).

/** The endpoint without user:password, and the Basic authorization they stand for. fetch refuses
 * a URL with credentials, and Druid's basic auth wants the header. Throws on a malformed URL. */
export function splitCredentials(endpoint: string): { url: string; authorization?: string } {
  const u = new URL(endpoint);
  if (!u.username && !u.password) return { url: u.toString() };
  const user = decodeURIComponent(u.username), password = decodeURIComponent(u.password);
  u.username = ""; u.password = "";
  return { url: u.toString(), authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
}

/** An endpoint as it may be shown: without user:password ("" stays ""; a malformed URL loses
 * whatever stands between "//" and "@"). */
export function withoutCredentials(endpoint: string): string {
  if (endpoint === "") return "";
  try {
    return splitCredentials(endpoint).url;
  } catch {
    return endpoint.replace(/\/\/[^/]*@/, "//");
  }
}
