// One error class per family. Each carries the RocketMQ response code it maps to on the wire and
// a remark a person can act on.
export type ErrorFamily = 'protocol' | 'validation' | 'store' | 'overload' | 'client' | 'config';

export class KiteError extends Error {
  readonly family: ErrorFamily;
  readonly responseCode: number;
  constructor(family: ErrorFamily, responseCode: number, remark: string, options?: ErrorOptions) {
    super(remark, options);
    this.family = family;
    this.responseCode = responseCode;
  }
  get remark(): string {
    return this.message;
  }
}

/** A malformed frame or header: the connection is closed (Java closes the channel too). */
export class ProtocolError extends KiteError {
  override name = 'ProtocolError';
  constructor(remark: string, options?: ErrorOptions) {
    super('protocol', 1, remark, options);
  }
}

/** Bad request content: illegal topic, missing header field, oversize body. */
export class RequestValidationError extends KiteError {
  override name = 'RequestValidationError';
  constructor(responseCode: number, remark: string, options?: ErrorOptions) {
    super('validation', responseCode, remark, options);
  }
}

/** Invalid configuration: names the key (and file/line when known). */
export class ConfigError extends KiteError {
  override name = 'ConfigError';
  constructor(remark: string, options?: ErrorOptions) {
    super('config', 1, remark, options);
  }
}
