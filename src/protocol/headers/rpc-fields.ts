// RpcRequestHeader's fields, which 5.x headers such as EndTransactionRequestHeader and
// CheckTransactionStateRequestHeader inherit: ns (namespace), nsd (whether names are already
// namespaced), bname (the broker the request is meant for), oway (sent one-way). All optional.
import type { ExtFields } from '../remoting-command.js';
import { optBool, optString } from './fields.js';

export interface RpcRequestFields {
  ns?: string | undefined;
  nsd?: boolean | undefined;
  bname?: string | undefined;
  oway?: boolean | undefined;
}

/** Adds the fields that are set to out, after the header's own. */
export function encodeRpcFields(out: ExtFields, h: RpcRequestFields): ExtFields {
  if (h.ns !== undefined) out.ns = h.ns;
  if (h.nsd !== undefined) out.nsd = h.nsd ? 'true' : 'false';
  if (h.bname !== undefined) out.bname = h.bname;
  if (h.oway !== undefined) out.oway = h.oway ? 'true' : 'false';
  return out;
}

/** Booleans are read as Boolean.parseBoolean would: absent stays undefined. */
export function decodeRpcFields(e: ExtFields): RpcRequestFields {
  return {
    ns: optString(e, 'ns'),
    nsd: e.nsd === undefined ? undefined : optBool(e, 'nsd', false),
    bname: optString(e, 'bname'),
    oway: e.oway === undefined ? undefined : optBool(e, 'oway', false),
  };
}
