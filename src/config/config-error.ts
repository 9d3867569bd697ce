/** A configuration that cannot be used; its message names the key and what is accepted. */
export class ConfigError extends Error {
  override name = "ConfigError";
}
