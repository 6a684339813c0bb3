// Value checks shared by the broker and name server schemas. Each returns what was expected when
// the value is wrong, or undefined when it is fine.
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function nonEmpty(v: string): string | undefined {
  return v === '' ? 'a non-empty string' : undefined;
}

export function checkIPv4(v: string): string | undefined {
  const m = IPV4.exec(v);
  const ok = m?.slice(1).every((part) => Number(part) <= 255) === true;
  return ok ? undefined : 'an IPv4 address such as 192.168.0.10';
}

/** "" or host:port;host:port — RocketMQ's name server address list. */
export function checkHostPortList(v: string): string | undefined {
  if (v === '') return undefined;
  const ok = v
    .split(';')
    .filter((part) => part !== '')
    .every((part) => {
      const colon = part.lastIndexOf(':');
      const port = Number(part.slice(colon + 1));
      return colon > 0 && /^\d+$/.test(part.slice(colon + 1)) && port > 0 && port <= 65535;
    });
  return ok ? undefined : 'host:port pairs split by ; such as 127.0.0.1:9876;10.0.0.2:9876';
}
