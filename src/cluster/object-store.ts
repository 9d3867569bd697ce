// The few S3 calls cluster mode makes (GET, PUT, DELETE of one object; no listing: a model's
// manifest names its objects), signed with AWS Signature V4 by aws4fetch (a small, dependency-free
// signer over fetch, chosen over @aws-sdk/client-s3 for the executable's size and cold start:
// docs/cluster.md). aws4fetch is imported only when [AWS] is configured.
export interface ObjectStore {
  /** The object's bytes; undefined when there is none. */
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, body: Uint8Array, contentType?: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** "bucket/key", for log lines. */
  describe(key: string): string;
}

export interface S3Options {
  /** host[:port] or a URL ([AWS] s3_hostname). */
  endpoint: string;
  tls: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  bucket: string;
  /** Per request, milliseconds. */
  timeoutMs?: number;
}

export class ObjectStoreError extends Error {
  override name = "ObjectStoreError";
}

/** The endpoint as a base URL: a bare host gets http:// or https:// (tls). */
export function endpointUrl(endpoint: string, tls: boolean): string {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `${tls ? "https" : "http"}://${endpoint}`;
  return url.replace(/\/+$/, "");
}

/** An S3 bucket through path-style URLs (<endpoint>/<bucket>/<key>), which every S3 server accepts. */
export async function s3Store(o: S3Options): Promise<ObjectStore> {
  const { AwsClient } = await import("aws4fetch");
  // retries 0: a failed call is reported and retried at the next poll, never held in a loop here.
  const client = new AwsClient({ accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey, service: "s3", region: o.region, retries: 0 });
  const base = `${endpointUrl(o.endpoint, o.tls)}/${encodeURIComponent(o.bucket)}/`;
  const url = (key: string) => base + key.split("/").map(encodeURIComponent).join("/");
  const describe = (key: string) => `${o.bucket}/${key}`;
  const call = async (method: string, key: string, body?: Uint8Array, headers?: Record<string, string>) => {
    try {
      return await client.fetch(url(key), { method, body, headers, signal: AbortSignal.timeout(o.timeoutMs ?? 30_000) });
    } catch (e) {
      // The cause says unreachable or timeout; the URL holds no secret (the key signs, it is not sent).
      throw new ObjectStoreError(`S3 ${method} ${describe(key)}: ${(e as Error).name === "TimeoutError" ? "timed out" : `unreachable (${String((e as Error).cause ?? e)})`}`);
    }
  };
  const fail = async (method: string, key: string, r: Response) =>
    new ObjectStoreError(`S3 ${method} ${describe(key)}: HTTP ${r.status} ${(await r.text()).match(/<Code>([^<]*)<\/Code>/)?.[1] ?? ""}`.trim());
  return {
    describe,
    async get(key) {
      const r = await call("GET", key);
      if (r.status === 404) { await r.body?.cancel(); return undefined; }
      if (!r.ok) throw await fail("GET", key, r);
      return new Uint8Array(await r.arrayBuffer());
    },
    async put(key, body, contentType = "application/octet-stream") {
      const r = await call("PUT", key, body, { "content-type": contentType });
      if (!r.ok) throw await fail("PUT", key, r);
      await r.body?.cancel();
    },
    async delete(key) {
      const r = await call("DELETE", key);
      if (!r.ok && r.status !== 404) throw await fail("DELETE", key, r);
      await r.body?.cancel();
    },
  };
}
