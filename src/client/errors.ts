// Client-side failures: MQClientError for what the client itself refuses or cannot do (bad
// arguments, no route), MQBrokerError for a broker's answer, carrying its response code.
import { KiteError } from '../common/errors.js';
import { responseCodeName } from '../protocol/response-code.js';

export class MQClientError extends KiteError {
  override name = 'MQClientError';
  /** `responseCode`: the code Java's MQClientException carries for the same refusal, if any. */
  constructor(remark: string, options?: ErrorOptions & { responseCode?: number }) {
    super('client', options?.responseCode ?? -1, remark, options);
  }
}

export class MQBrokerError extends KiteError {
  override name = 'MQBrokerError';
  readonly brokerAddr: string;
  constructor(responseCode: number, remark: string | undefined, brokerAddr: string) {
    super(
      'client',
      responseCode,
      `CODE: ${responseCode} (${responseCodeName(responseCode)}) DESC: ${remark ?? ''} BROKER: ${brokerAddr}`,
    );
    this.brokerAddr = brokerAddr;
  }
}
