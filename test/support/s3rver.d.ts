// The part of s3rver 3.7 (no types of its own) that test/support/cluster-servers.ts uses.
declare module "s3rver" {
  export default class S3rver {
    constructor(o: { port: number; address: string; silent: boolean; directory: string; configureBuckets: { name: string; configs: string[] }[] });
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }
}
