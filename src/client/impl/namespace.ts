// Namespaces (NamespaceUtil): with a namespace, every topic and group this client names is
// "<namespace>%<name>" on the wire, retry and DLQ topics "%RETRY%<namespace>%<group>", and
// messages handed back to the application carry the plain topic again. Several tenants can so
// share one cluster with the same topic names.

import { DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX } from '../../message/message.js';
import { RMQ_SYS_TRANS_HALF_TOPIC, SCHEDULE_TOPIC, TBW102 } from '../../message/system-topics.js';

const SEPARATOR = '%';
const SYSTEM_TOPICS = new Set([TBW102, SCHEDULE_TOPIC, RMQ_SYS_TRANS_HALF_TOPIC]);

export function wrapNamespace(namespace: string | undefined, resource: string): string {
  if (!namespace || SYSTEM_TOPICS.has(resource)) return resource;
  for (const prefix of [RETRY_GROUP_TOPIC_PREFIX, DLQ_GROUP_TOPIC_PREFIX]) {
    if (resource.startsWith(prefix)) {
      return prefix + wrapNamespace(namespace, resource.slice(prefix.length));
    }
  }
  if (resource.startsWith(namespace + SEPARATOR)) return resource;
  return namespace + SEPARATOR + resource;
}

export function unwrapNamespace(namespace: string | undefined, resource: string): string {
  if (!namespace) return resource;
  for (const prefix of [RETRY_GROUP_TOPIC_PREFIX, DLQ_GROUP_TOPIC_PREFIX]) {
    if (resource.startsWith(prefix)) {
      return prefix + unwrapNamespace(namespace, resource.slice(prefix.length));
    }
  }
  const head = namespace + SEPARATOR;
  return resource.startsWith(head) ? resource.slice(head.length) : resource;
}
