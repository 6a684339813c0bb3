// A processor handles the request codes registered for it. It returns the response, or null for
// requests answered later or never (oneway). Throwing a KiteError answers with its code and
// remark; any other throw answers SYSTEM_ERROR with the message.
import type { RemotingCommand } from '../protocol/remoting-command.js';
import type { Connection } from './connection.js';

export type RequestProcessor = (
  request: RemotingCommand,
  conn: Connection,
) => Promise<RemotingCommand | null> | RemotingCommand | null;
