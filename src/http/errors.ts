// The error classes the HTTP handlers throw for what is wrong with a request (ky-style: a small
// hierarchy, one place that maps them and the domains' errors to responses: ./error-handler.ts). Messages are for the operator: say what was wrong and
// what is accepted. They never carry stack traces or local paths.
export class HttpError extends Error {
  constructor(readonly status: 400 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 500 | 502 | 503 | 504, message: string) {
    super(message);
  }
  override name = "HttpError";
}

/** The request can never succeed as sent (400). */
export class BadRequestError extends HttpError {
  constructor(message: string) { super(400, message); }
  override name = "BadRequestError";
}

/** The request is understood and refused by a setting, which the message names (403). */
export class ForbiddenError extends HttpError {
  constructor(message: string) { super(403, message); }
  override name = "ForbiddenError";
}

export class NotFoundError extends HttpError {
  constructor(message: string) { super(404, message); }
  override name = "NotFoundError";
}

export class PayloadTooLargeError extends HttpError {
  /** `setting` names the config key of the limit; `advice` (optional) says what to do. */
  constructor(limitBytes: number, setting: string, advice?: string) {
    super(413, `request body is larger than the limit of ${limitBytes} bytes (${setting})${advice ? `; ${advice}` : ""}`);
  }
  override name = "PayloadTooLargeError";
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor(message: string) { super(415, message); }
  override name = "UnsupportedMediaTypeError";
}

/** The client closed the connection before its request body arrived: nobody is left to answer, and
 * it is not a fault of ours. Answered (to no one) and counted as 499, nginx's "client closed
 * request", and logged at debug level (./error-handler.ts). */
export class ClientClosedRequestError extends Error {
  constructor(path: string) { super(`the client closed the connection while sending ${path}`); }
  override name = "ClientClosedRequestError";
}
